import { describe, expect, it } from "vitest";
import type { TodoItem } from "../types.ts";
import { plain, renderInTerminal, useAnsiColours } from "./testing.ts";
import { TodoPanel } from "./todo-panel.tsx";

useAnsiColours();

const todo = (content: string, status: TodoItem["status"]): TodoItem => ({
  content,
  status,
  activeForm: `${content}ing`,
});

describe("TodoPanel", () => {
  it("shows ☐ pending, ◐ in progress (its active form) and ☑ completed, struck through", () => {
    const { lastFrame } = renderInTerminal(
      <TodoPanel
        todos={[todo("Plan", "completed"), todo("Build", "in_progress"), todo("Ship", "pending")]}
      />,
    );
    expect(plain(lastFrame())).toBe("☑ Plan\n◐ Building\n☐ Ship");
    expect(lastFrame()).toContain("\u001b[9mPlan");
    expect(lastFrame()).toContain("\u001b[36m");
  });

  it("folds completed items into a count and cuts a long list", () => {
    const todos = [
      ...Array.from({ length: 6 }, (_, i) => todo(`done ${i}`, "completed")),
      todo("now", "in_progress"),
      ...Array.from({ length: 12 }, (_, i) => todo(`later ${i}`, "pending")),
    ];
    const rows = plain(renderInTerminal(<TodoPanel todos={todos} />).lastFrame()).split("\n");
    expect(rows).toHaveLength(10);
    expect(rows[0]).toBe("☑ 6 completed");
    expect(rows[1]).toBe("◐ nowing");
    expect(rows.at(-1)).toBe("… 5 more");
  });

  it("keeps each item to one row", () => {
    const { lastFrame } = renderInTerminal(
      <TodoPanel todos={[todo("word ".repeat(60), "pending")]} />,
    );
    expect(plain(lastFrame()).split("\n")).toHaveLength(1);
  });

  it("renders nothing for an empty list", () => {
    expect(renderInTerminal(<TodoPanel todos={[]} />).lastFrame()).toBe("");
  });
});
