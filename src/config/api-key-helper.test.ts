import { describe, expect, it } from "vitest";
import { runApiKeyHelper } from "./api-key-helper.ts";

const options = { cwd: process.cwd(), env: { PATH: process.env.PATH ?? "" } };

describe("runApiKeyHelper", () => {
  it("returns what the command prints, trimmed", async () => {
    expect(await runApiKeyHelper("printf '  sk-test-123\\n'", options)).toBe("sk-test-123");
  });

  it("says how the command failed, with its stderr", async () => {
    await expect(runApiKeyHelper("echo vault locked >&2; exit 3", options)).rejects.toMatchObject({
      message: "apiKeyHelper failed: it exited with code 3",
      hint: expect.stringContaining("vault locked") as unknown,
    });
    await expect(runApiKeyHelper("true", options)).rejects.toThrow("it printed nothing");
  });
});
