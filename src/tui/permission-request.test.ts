import { describe, expect, it } from "vitest";
import type { PermissionRequest } from "../agent/index.ts";
import { pendingPermission, suggestRule } from "./permission-request.ts";

const root = "/work/repo";
const command = (text: string) =>
  suggestRule({ toolName: "Bash", access: { kind: "command", command: text } }, root);

describe("the rule 'don't ask again' suggests", () => {
  it("covers a command's program and subcommand", () => {
    expect(command("npm test -- --watch")).toBe("Bash(npm test:*)");
    expect(command("git log --oneline")).toBe("Bash(git log:*)");
    expect(command("ls -la")).toBe("Bash(ls:*)");
  });

  it("allows only the exact command for programs that can do anything", () => {
    expect(command("rm -rf build")).toBe("Bash(rm -rf build)");
    expect(command("python3 -c 'print(1)'")).toBe("Bash(python3 -c 'print(1)')");
    expect(command("sudo apt install x")).toBe("Bash(sudo apt install x)");
  });

  it("judges a compound command by its first part that is not a cd", () => {
    expect(command("cd web && npm run build")).toBe("Bash(npm run:*)");
  });

  it("names the folder of a file change, anchored at the workspace root", () => {
    const write = (paths: string[]) =>
      suggestRule({ toolName: "Write", access: { kind: "write", paths } }, root);
    expect(write(["src/a/b.ts"])).toBe("Edit(/src/a/**)");
    expect(write(["/work/repo/src/x.ts"])).toBe("Edit(/src/**)");
    expect(write(["README.md"])).toBe("Edit(/README.md)");
    expect(write(["/etc/hosts"])).toBe("Edit(//etc/**)");
  });

  it("names the domain of a fetch, and the bare tool otherwise", () => {
    expect(
      suggestRule(
        { toolName: "WebFetch", access: { kind: "network", url: "https://docs.example.com/a" } },
        root,
      ),
    ).toBe("WebFetch(domain:docs.example.com)");
    expect(suggestRule({ toolName: "TestEcho", access: { kind: "none" } }, root)).toBe("TestEcho");
  });
});

describe("the question the screen shows", () => {
  it("shows a command whole and paths relative to the workspace", () => {
    const request: PermissionRequest = {
      toolUseId: "t1",
      toolName: "Edit",
      input: { file_path: "/work/repo/src/a.ts" },
      access: { kind: "write", paths: ["/work/repo/src/a.ts"] },
      reason: "Edit needs approval",
    };
    expect(pendingPermission(request, root)).toEqual({
      toolUseId: "t1",
      toolName: "Edit",
      target: "src/a.ts",
      reason: "Edit needs approval",
      suggestedRule: "Edit(/src/**)",
    });
  });
});
