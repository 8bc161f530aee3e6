import { describe, expect, it } from "vitest";
import { CairnError } from "../../core/errors.ts";
import { deleteValueAt, formatKeyPath, parseKeyPath, setValueAt, valueAt } from "./key-path.ts";
import { nearestName } from "./near-name.ts";

describe("key paths", () => {
  it("parses dots, positions and quoted keys, and prints them back", () => {
    const cases: Array<[string, Array<string | number>]> = [
      ["model", ["model"]],
      ["permissions.allow", ["permissions", "allow"]],
      ["permissions.allow[2]", ["permissions", "allow", 2]],
      [
        'providers.local.models["gpt-4.1"].contextWindow',
        ["providers", "local", "models", "gpt-4.1", "contextWindow"],
      ],
      ['env["MY VAR"]', ["env", "MY VAR"]],
    ];
    for (const [text, path] of cases) {
      expect(parseKeyPath(text)).toEqual(path);
      expect(formatKeyPath(path)).toBe(text);
    }
    expect(formatKeyPath([])).toBe("(top level)");
  });

  it("refuses malformed paths with a reason", () => {
    for (const [text, why] of [
      ["", "it is empty"],
      ["a..b", "an empty key"],
      ["a.", "it ends with '.'"],
      ["a[x]", "write [0] for a position"],
      ["a[0", "an unclosed '['"],
      ["__proto__.x", "__proto__ is not a settings key"],
    ]) {
      expect(() => parseKeyPath(text ?? "")).toThrow(CairnError);
      expect(() => parseKeyPath(text ?? "")).toThrow(why);
    }
  });

  it("sets, reads and deletes values, creating objects on the way", () => {
    const root: Record<string, unknown> = { model: "m" };
    setValueAt(root, ["permissions", "allow"], ["Read"]);
    setValueAt(root, ["env", "A"], "1");
    setValueAt(root, ["hooks", "Stop"], []);
    setValueAt(root, ["list", 0], "first");
    expect(root).toEqual({
      model: "m",
      permissions: { allow: ["Read"] },
      env: { A: "1" },
      hooks: { Stop: [] },
      list: ["first"],
    });
    expect(valueAt(root, ["permissions", "allow", 0])).toBe("Read");
    expect(valueAt(root, ["model", "x"])).toBeUndefined();
    expect(() => setValueAt(root, ["model", "x"], 1)).toThrow("model is not an object");
    expect(deleteValueAt(root, ["env", "A"])).toBe(true);
    expect(deleteValueAt(root, ["env", "A"])).toBe(false);
    expect(deleteValueAt(root, ["permissions", "allow", 0])).toBe(true);
    expect(root.permissions).toEqual({ allow: [] });
  });
});

describe("near names", () => {
  it("suggests a close known name and nothing for a far one", () => {
    const keys = ["permissions", "model", "env", "hooks", "apiKeyHelper", "cleanupPeriodDays"];
    expect(nearestName("permisions", keys)).toBe("permissions");
    expect(nearestName("Permissions", keys)).toBe("permissions");
    expect(nearestName("modle", keys)).toBe("model");
    expect(nearestName("apikeyhelper", keys)).toBe("apiKeyHelper");
    expect(nearestName("cleanupPeriod", keys)).toBeUndefined();
    expect(nearestName("xyz", keys)).toBeUndefined();
  });
});
