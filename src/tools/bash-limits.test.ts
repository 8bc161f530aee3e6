import { describe, expect, it } from "vitest";
import { bashLimits } from "./bash-limits.ts";

describe("bashLimits", () => {
  it("keeps Claude Code's limits when no variable is set", () => {
    expect(bashLimits({})).toEqual({
      defaultTimeoutMs: 120_000,
      maxTimeoutMs: 600_000,
      outputChars: 30_000,
      notes: [],
    });
  });

  it("lowers the default to a maximum below it when the default was not set", () => {
    expect(bashLimits({ BASH_MAX_TIMEOUT_MS: "60000" })).toMatchObject({
      defaultTimeoutMs: 60_000,
      maxTimeoutMs: 60_000,
      notes: [],
    });
    expect(bashLimits({ BASH_MAX_TIMEOUT_MS: "300000" })).toMatchObject({
      defaultTimeoutMs: 120_000,
      maxTimeoutMs: 300_000,
    });
  });

  it("raises the maximum to a default the user set above it", () => {
    expect(
      bashLimits({ BASH_DEFAULT_TIMEOUT_MS: "900000", BASH_MAX_TIMEOUT_MS: "60000" }),
    ).toMatchObject({ defaultTimeoutMs: 900_000, maxTimeoutMs: 900_000 });
    expect(bashLimits({ BASH_DEFAULT_TIMEOUT_MS: "900000" })).toMatchObject({
      defaultTimeoutMs: 900_000,
      maxTimeoutMs: 900_000,
    });
  });

  it("treats an unusable default as unset and names the value it used instead", () => {
    expect(bashLimits({ BASH_DEFAULT_TIMEOUT_MS: "2m", BASH_MAX_TIMEOUT_MS: "60000" })).toEqual({
      defaultTimeoutMs: 60_000,
      maxTimeoutMs: 60_000,
      outputChars: 30_000,
      notes: ["BASH_DEFAULT_TIMEOUT_MS=2m is not a positive whole number; 60000 was used."],
    });
    expect(bashLimits({ BASH_MAX_TIMEOUT_MS: "-1", BASH_MAX_OUTPUT_LENGTH: "10" }).notes).toEqual([
      "BASH_MAX_TIMEOUT_MS=-1 is not a positive whole number; 600000 was used.",
      "BASH_MAX_OUTPUT_LENGTH=10 is outside 1000-150000; 1000 was used.",
    ]);
  });
});
