import { describe, expect, it } from "vitest";
import { formContent, parseElicitationForm } from "./elicitation-model.ts";

const form = (properties: Record<string, unknown>, required: string[] = []) => {
  const parsed = parseElicitationForm({
    message: "Details?",
    requestedSchema: { type: "object", properties, required },
  });
  if (parsed.type !== "form") throw new Error(parsed.message);
  return parsed.form;
};

describe("elicitation form model", () => {
  it("elicitation › numbers are checked against type and range before accepting", () => {
    const f = form({ n: { type: "integer", title: "Count", minimum: 1, maximum: 10 } }, ["n"]);
    expect(formContent(f, ["x"])).toMatchObject({ message: 'Count: expected a number, got "x"' });
    expect(formContent(f, ["2.5"])).toMatchObject({ message: "Count: expected a whole number" });
    expect(formContent(f, ["11"])).toMatchObject({ message: "Count: at most 10" });
    expect(formContent(f, ["3"])).toEqual({ type: "ok", content: { n: 3 } });
  });

  it("elicitation › empty optional fields are left out of the content", () => {
    const f = form({ a: { type: "string" }, b: { type: "number" }, c: { enum: ["x", "y"] } });
    expect(formContent(f, f.initial)).toEqual({ type: "ok", content: {} });
  });

  it("elicitation › a request the form cannot show says which field and why", () => {
    const badProperties = parseElicitationForm({
      message: "m",
      requestedSchema: { properties: 3 },
    });
    expect(badProperties.type).toBe("error");
    expect(badProperties.type === "error" && badProperties.message).toContain(
      "requestedSchema.properties",
    );
    const badType = parseElicitationForm({
      message: "m",
      requestedSchema: { type: "object", properties: { o: { type: "object" } }, required: ["o"] },
    });
    expect(badType.type === "error" && badType.message).toContain("properties.o: type object");
  });
});
