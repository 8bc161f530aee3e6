import { describe, expect, it } from "vitest";
import { lenientInput } from "./lenient-input.ts";

const schema = {
  type: "object",
  properties: {
    todos: { type: "array" },
    options: { type: "object" },
    timeout: { type: "integer" },
    ratio: { type: "number" },
    all: { type: "boolean" },
    command: { type: "string" },
  },
};

describe("lenientInput", () => {
  it("reads JSON strings, numbers and booleans sent as strings as their schema types", () => {
    expect(
      lenientInput(
        {
          todos: ' [{"content":"x"}] ',
          options: '{"a":1}',
          timeout: "5000",
          ratio: "-0.5",
          all: "true",
          command: "[1]",
        },
        schema,
      ),
    ).toEqual({
      todos: [{ content: "x" }],
      options: { a: 1 },
      timeout: 5000,
      ratio: -0.5,
      all: true,
      command: "[1]",
    });
  });

  it("leaves what does not read as the type, and says when nothing changed", () => {
    expect(lenientInput({ todos: "[oops", timeout: "1.5", all: "yes" }, schema)).toBeUndefined();
    expect(lenientInput({ todos: '{"a":1}' }, schema)).toBeUndefined();
    expect(lenientInput({ timeout: 5 }, schema)).toBeUndefined();
    expect(lenientInput("text", schema)).toBeUndefined();
    expect(lenientInput({ timeout: "5" }, { type: "object" })).toBeUndefined();
  });
});
