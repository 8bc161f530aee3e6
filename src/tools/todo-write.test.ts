import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createToolSession, type ToolSession } from "./session.ts";
import { todosOf, todoWriteTool } from "./todo-write.ts";
import type { ToolOutput } from "./tool.ts";

let root: string;
let sessions: ToolSession[];

beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "cairn-todo-")));
  sessions = [];
});

afterEach(async () => {
  await Promise.all(sessions.map((session) => session.dispose()));
  await rm(root, { recursive: true, force: true });
});

function newSession(): ToolSession {
  const session = createToolSession({ root, additionalDirs: [] });
  sessions.push(session);
  return session;
}

function write(session: ToolSession, todos: unknown[]): Promise<ToolOutput> {
  const input = todoWriteTool.input.parse({ todos });
  return todoWriteTool.run(input, { cwd: root, signal: new AbortController().signal, session });
}

const plan = [
  { content: "Read the code", status: "completed", activeForm: "Reading the code" },
  { content: "Fix the bug", status: "in_progress", activeForm: "Fixing the bug" },
  { content: "Run the tests", status: "pending", activeForm: "Running the tests", id: "t3" },
];

describe("TodoWrite", () => {
  it("keeps the list per session and hands it to front-ends as display data", async () => {
    const first = newSession();
    const second = newSession();
    const output = await write(first, plan);
    expect(output).toEqual({
      content: "Todo list updated: 3 tasks (1 completed, 1 in progress, 1 pending).",
      display: { type: "todos", todos: plan },
    });
    expect(todosOf(first)).toEqual(plan);
    expect(todosOf(second)).toEqual([]);
  });

  it("replaces the whole list on each call", async () => {
    const session = newSession();
    await write(session, plan);
    const done = plan.map((todo) => ({ ...todo, status: "completed" }));
    const output = await write(session, done);
    expect(output.content).toBe(
      "Todo list updated: 3 tasks (3 completed, 0 in progress, 0 pending).\nAll tasks are completed.",
    );
    expect(todosOf(session)).toEqual(done);
    expect((await write(session, [])).content).toBe("Todo list cleared.");
    expect(todosOf(session)).toEqual([]);
  });

  it("warns, without refusing, when several tasks are in progress or ids repeat", async () => {
    const session = newSession();
    const busy = plan.map((todo) => ({ ...todo, status: "in_progress", id: "same" }));
    const output = await write(session, busy);
    expect(output.isError).toBeUndefined();
    expect(output.content).toBe(
      [
        "Todo list updated: 3 tasks (0 completed, 3 in progress, 0 pending).",
        "Warning: 3 tasks are in_progress; keep one at a time and mark the others pending or completed.",
        "Warning: repeated ids: same.",
      ].join("\n"),
    );
    expect(todosOf(session)).toHaveLength(3);
  });

  it("rejects a task without its fields or with an unknown status", () => {
    expect(
      todoWriteTool.input.safeParse({ todos: [{ content: "x", status: "done", activeForm: "x" }] })
        .success,
    ).toBe(false);
    expect(
      todoWriteTool.input.safeParse({ todos: [{ content: "x", status: "pending" }] }).success,
    ).toBe(false);
  });
});
