import { describe, expect, it } from "vitest";
import { commandEnv } from "./shell-env.ts";

describe("commandEnv", () => {
  it("keeps cairn's model credentials away from commands and keeps everything else", () => {
    const env = commandEnv({
      PATH: "/bin",
      ANTHROPIC_API_KEY: "sk-ant-x",
      ANTHROPIC_AUTH_TOKEN: "t",
      OPENAI_API_KEY: "sk-y",
      GITHUB_TOKEN: "g",
    });
    expect(env).not.toHaveProperty("ANTHROPIC_API_KEY");
    expect(env).not.toHaveProperty("ANTHROPIC_AUTH_TOKEN");
    expect(env).not.toHaveProperty("OPENAI_API_KEY");
    expect(env).toMatchObject({ PATH: "/bin", GITHUB_TOKEN: "g", CAIRN: "1", PAGER: "cat" });
  });

  it("switches off repository git config that runs programs, after the user's own", () => {
    expect(commandEnv({})).toMatchObject({
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: "core.fsmonitor",
      GIT_CONFIG_VALUE_0: "false",
    });
    const withUsers = commandEnv({ GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "user.name" });
    expect(withUsers).toMatchObject({
      GIT_CONFIG_COUNT: "2",
      GIT_CONFIG_KEY_0: "user.name",
      GIT_CONFIG_KEY_1: "core.fsmonitor",
    });
  });
});
