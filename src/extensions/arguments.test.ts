import { describe, expect, it } from "vitest";
import { splitArguments, substituteArguments } from "./arguments.ts";

describe("arguments › splitting", () => {
  it("splits on whitespace and keeps quoted words whole", () => {
    expect(splitArguments(`fix "the login bug" 'it is' urgent`)).toEqual([
      "fix",
      "the login bug",
      "it is",
      "urgent",
    ]);
  });

  it("keeps empty quoted words, escapes, and quotes glued to text", () => {
    expect(splitArguments(`a "" b\\ c --msg="x y" "say \\"hi\\""`)).toEqual([
      "a",
      "",
      "b c",
      "--msg=x y",
      'say "hi"',
    ]);
  });

  it("takes the rest of the line into an unclosed quote", () => {
    expect(splitArguments(`one "two three`)).toEqual(["one", "two three"]);
  });
});

describe("arguments › substitution", () => {
  it("fills $ARGUMENTS with everything typed and $1…$9 with words, 1-based", () => {
    expect(substituteArguments("Issue $1 (priority $2): $ARGUMENTS", `123 "very high"`)).toBe(
      `Issue 123 (priority very high): 123 "very high"`,
    );
  });

  it("leaves a missing position empty and reads $ARGUMENTS[N] 0-based", () => {
    expect(substituteArguments("[$3] first=$ARGUMENTS[0]", "a b")).toBe("[] first=a");
  });

  it("appends ARGUMENTS: when the text has no placeholder and arguments were given", () => {
    expect(substituteArguments("Review the diff.\n", "carefully please")).toBe(
      "Review the diff.\n\nARGUMENTS: carefully please",
    );
    expect(substituteArguments("Review the diff.\n", "  ")).toBe("Review the diff.\n");
  });
});
