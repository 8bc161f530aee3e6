import { describe, expect, it } from "vitest";
import {
  applyEdit,
  editorWith,
  emptyEditor,
  enter,
  moveDown,
  moveUp,
  type EditCommand,
  type EditorState,
} from "./editor-state.ts";

/** "ab|c" → text "abc", cursor 2: tests write the cursor into the text. */
function at(marked: string): EditorState {
  const cursor = marked.indexOf("|");
  return editorWith(marked.replace("|", ""), cursor);
}

function shown(state: EditorState): string {
  return state.text.slice(0, state.cursor) + "|" + state.text.slice(state.cursor);
}

function run(marked: string, command: EditCommand["type"] | EditCommand): string {
  const edit = typeof command === "string" ? ({ type: command } as EditCommand) : command;
  return shown(applyEdit(at(marked), edit));
}

describe("editor-state", () => {
  it("inserts at the cursor and moves past the insertion", () => {
    expect(run("ab|c", { type: "insert", text: "XY" })).toBe("abXY|c");
    expect(shown(applyEdit(emptyEditor, { type: "insert", text: "hi" }))).toBe("hi|");
  });

  it("inserts a line break for newline", () => {
    expect(run("ab|c", "newline")).toBe("ab\n|c");
  });

  it("backspace deletes the character before the cursor, and nothing at the start", () => {
    expect(run("ab|c", "backspace")).toBe("a|c");
    expect(run("|abc", "backspace")).toBe("|abc");
  });

  it("delete removes the character under the cursor, and nothing at the end", () => {
    expect(run("a|bc", "delete")).toBe("a|c");
    expect(run("abc|", "delete")).toBe("abc|");
  });

  it("treats an emoji cluster as one character when moving and deleting", () => {
    const family = "👨‍👩‍👧";
    expect(run(`a${family}|b`, "backspace")).toBe("a|b");
    expect(run(`a|${family}b`, "delete")).toBe("a|b");
    expect(run(`a|${family}b`, "right")).toBe(`a${family}|b`);
    expect(run(`a${family}|b`, "left")).toBe(`a|${family}b`);
  });

  it("backspace right after an atom (a paste label) removes all of it", () => {
    const label = "[Pasted text #1 +20 lines]";
    const state = at(`see ${label}|!`);
    expect(shown(applyEdit(state, { type: "backspace" }, [label]))).toBe("see |!");
    const before = at(`see |${label}!`);
    expect(shown(applyEdit(before, { type: "delete" }, [label]))).toBe("see |!");
  });

  it("left and right stop at the ends", () => {
    expect(run("|ab", "left")).toBe("|ab");
    expect(run("ab|", "right")).toBe("ab|");
    expect(run("a|b", "left")).toBe("|ab");
    expect(run("a|b", "right")).toBe("ab|");
  });

  it("word-left goes to the start of the previous word, skipping punctuation", () => {
    expect(run("foo bar.baz|", "word-left")).toBe("foo bar.|baz");
    expect(run("foo bar.|baz", "word-left")).toBe("foo |bar.baz");
    expect(run("foo   |bar", "word-left")).toBe("|foo   bar");
    expect(run("|foo", "word-left")).toBe("|foo");
  });

  it("word-right goes to the end of the next word", () => {
    expect(run("|foo bar", "word-right")).toBe("foo| bar");
    expect(run("foo| bar", "word-right")).toBe("foo bar|");
    expect(run("foo bar|", "word-right")).toBe("foo bar|");
  });

  it("line-start and line-end stay on the cursor's line", () => {
    expect(run("one\ntw|o\nthree", "line-start")).toBe("one\n|two\nthree");
    expect(run("one\ntw|o\nthree", "line-end")).toBe("one\ntwo|\nthree");
    expect(run("o|ne", "line-start")).toBe("|one");
    expect(run("o|ne", "line-end")).toBe("one|");
  });

  it("kill-line-before (Ctrl+U) deletes to the line start, then the line break before it", () => {
    expect(run("one\ntw|o", "kill-line-before")).toBe("one\n|o");
    expect(run("one\n|o", "kill-line-before")).toBe("one|o");
    expect(run("|one", "kill-line-before")).toBe("|one");
  });

  it("kill-line-after (Ctrl+K) deletes to the line end, then the line break after it", () => {
    expect(run("o|ne\ntwo", "kill-line-after")).toBe("o|\ntwo");
    expect(run("o|\ntwo", "kill-line-after")).toBe("o|two");
    expect(run("one|", "kill-line-after")).toBe("one|");
  });

  it("kill-space-word-before (Ctrl+W) deletes back to whitespace, like a shell", () => {
    expect(run("git commit -m foo/bar.ts|", "kill-space-word-before")).toBe("git commit -m |");
    expect(run("one two   |", "kill-space-word-before")).toBe("one |");
  });

  it("kill-word-before (Alt+Backspace) deletes back to the start of the word only", () => {
    expect(run("open foo/bar.ts|", "kill-word-before")).toBe("open foo/bar.|");
    expect(run("open foo/|", "kill-word-before")).toBe("open |");
  });

  it("kill-word-after (Alt+D) deletes forward to the end of the word", () => {
    expect(run("a |foo bar", "kill-word-after")).toBe("a | bar");
  });

  describe("enter", () => {
    it("submits when no backslash is before the cursor", () => {
      expect(enter(at("hello|"))).toEqual({ type: "submit" });
    });

    it("turns a backslash before the cursor into a line break", () => {
      const result = enter(at("first\\|"));
      expect(result.type).toBe("edit");
      if (result.type === "edit") expect(shown(result.state)).toBe("first\n|");
    });
  });

  describe("up and down", () => {
    it("move to the same column on the neighbouring line", () => {
      expect(shown(moveUp(at("abcd\nef|gh")) ?? emptyEditor)).toBe("ab|cd\nefgh");
      expect(shown(moveDown(at("ab|cd\nefgh")) ?? emptyEditor)).toBe("abcd\nef|gh");
    });

    it("return undefined on the first and last line, for history to take over", () => {
      expect(moveUp(at("ab|c\ndef"))).toBeUndefined();
      expect(moveDown(at("abc\nd|ef"))).toBeUndefined();
      expect(moveUp(at("a|bc"))).toBeUndefined();
    });

    it("keep the goal column through a shorter line", () => {
      const start = at("abcdef\nx\nabcdef|");
      const up1 = moveUp(start);
      expect(up1 && shown(up1)).toBe("abcdef\nx|\nabcdef");
      const up2 = up1 && moveUp(up1);
      expect(up2 && shown(up2)).toBe("abcdef|\nx\nabcdef");
    });

    it("forget the goal column after any other edit", () => {
      const up = moveUp(at("abcdef\nx\nabcdef|"));
      expect(up?.goalColumn).toBe(6);
      expect(up && applyEdit(up, { type: "left" }).goalColumn).toBeUndefined();
    });
  });
});
