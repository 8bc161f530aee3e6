import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cairnHome } from "./cairn-home.ts";
import { openDebugLog, redact } from "./debug-log.ts";

describe("debug log", () => {
  it("redacts secrets by key name and by shape", () => {
    expect(
      redact({
        headers: { Authorization: "Bearer abc.def", "x-api-key": "sk-ant-123456789" },
        note: "used sk-proj-ABCDEFGH and Bearer tok123 here",
        nested: [{ apiKey: "x" }],
        usage: { inputTokens: 5, authToken: "t" },
      }),
    ).toEqual({
      headers: { Authorization: "[redacted]", "x-api-key": "[redacted]" },
      note: "used [redacted] and [redacted] here",
      nested: [{ apiKey: "[redacted]" }],
      usage: { inputTokens: 5, authToken: "[redacted]" },
    });
  });

  it("writes nothing unless CAIRN_DEBUG is set, and then only under the cairn home", async () => {
    const home = await mkdtemp(join(tmpdir(), "cairn-debug-"));
    expect(openDebugLog({}, home, "s1").path).toBeUndefined();
    const log = openDebugLog({ CAIRN_DEBUG: "1" }, home, "s1", () => new Date(0));
    log.log("request", { key: "sk-ant-secretsecret", turn: 1 });
    expect(log.path).toBe(join(home, "debug", "s1.log"));
    expect(await readFile(join(home, "debug", "s1.log"), "utf8")).toBe(
      '1970-01-01T00:00:00.000Z request {"key":"[redacted]","turn":1}\n',
    );
  });

  it("lives in $CAIRN_HOME or ~/.cairn", () => {
    expect(cairnHome({ CAIRN_HOME: "/x/y" })).toBe("/x/y");
    expect(cairnHome({ HOME: "/home/u" })).toBe("/home/u/.cairn");
  });
});
