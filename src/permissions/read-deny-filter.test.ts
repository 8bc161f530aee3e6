import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { globFiles } from "../tools/glob.ts";
import { createGrepTool } from "../tools/grep.ts";
import { lsTool } from "../tools/ls.ts";
import { findRipgrep } from "../tools/ripgrep.ts";
import { createToolSession, type ToolSession } from "../tools/session.ts";
import type { Tool } from "../tools/tool.ts";
import { globTool } from "../tools/glob.ts";
import { createReadDenyFilter } from "./read-deny-filter.ts";
import { parseRule } from "./rules.ts";

const rgPath = findRipgrep(process.env);
let root: string;
let session: ToolSession;
const signal = new AbortController().signal;

const files = {
  ".env": "TOKEN=1",
  "config/.env": "TOKEN=2",
  "secrets/key.txt": "TOKEN=3",
  "secrets/deep/more.txt": "TOKEN=4",
  "keys/server.pem": "TOKEN=5",
  "src/app.ts": "const TOKEN = process.env.TOKEN;",
  "README.md": "Set TOKEN in .env",
};
const denied = [".env", "config/.env", "secrets", "key.txt", "more.txt", "server.pem"];

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "cairn-read-deny-")));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  const deny = ["Read(.env)", "Read(secrets/**)", "Read(//" + root.slice(1) + "/keys/*.pem)"].map(
    (r) => parseRule(r, "test", root),
  );
  session = createToolSession(
    { root, additionalDirs: [] },
    { readDeny: createReadDenyFilter(deny, { cwd: root, home: "/home/none", platform: "linux" }) },
  );
});
afterAll(async () => {
  await session.dispose();
  await rm(root, { recursive: true, force: true });
});

async function run(tool: Tool, input: unknown): Promise<string> {
  const output = await tool.run(tool.input.parse(input), { cwd: root, signal, session });
  return typeof output.content === "string" ? output.content : JSON.stringify(output.content);
}

function expectNoDenied(text: string): void {
  for (const name of denied) expect(text).not.toContain(name === ".env" ? "/.env" : name);
  expect(text.split("\n")).not.toContain(".env");
  expect(text).not.toMatch(/TOKEN=\d/);
}

describe("searches skip what a Read deny rule covers", () => {
  const backends = [
    { name: "ripgrep", tool: createGrepTool({ findRipgrep: () => rgPath }), available: !!rgPath },
    {
      name: "the JS fallback",
      tool: createGrepTool({ findRipgrep: () => undefined }),
      available: true,
    },
  ];
  for (const backend of backends) {
    for (const mode of ["files_with_matches", "content", "count"]) {
      it.runIf(backend.available)(`Grep (${backend.name}, ${mode})`, async () => {
        const text = await run(backend.tool, { pattern: "TOKEN", output_mode: mode });
        expect(text).toContain("src/app.ts");
        expect(text).toContain("README.md");
        expectNoDenied(text);
      });
    }
    it.runIf(backend.available)(
      `Grep (${backend.name}) on a denied file or with a glob naming it`,
      async () => {
        expect(
          await run(backend.tool, { pattern: "TOKEN", path: ".env", output_mode: "content" }),
        ).toBe("No matches found");
        const globbed = await run(backend.tool, {
          pattern: "TOKEN",
          glob: "**/*.txt",
          output_mode: "content",
        });
        expectNoDenied(globbed);
      },
    );
  }

  it("Glob, with ripgrep and with the walker", async () => {
    for (const ripgrep of [rgPath, undefined]) {
      const result = await globFiles({
        root,
        pattern: "**/*",
        signal,
        ripgrep,
        exclude: session.readDeny.covers,
      });
      const listed = result.matches.map((m) => m.absolute.slice(root.length + 1));
      expect(listed.sort()).toEqual(["README.md", "src/app.ts"]);
    }
    expectNoDenied(await run(globTool, { pattern: "**/*" }));
    expect(await run(globTool, { pattern: "**/.env" })).toContain("No files match");
  });

  it("LS", async () => {
    const text = await run(lsTool, { path: "." });
    expect(text).toContain("src/");
    expect(text).toContain("config/");
    expect(text).not.toContain("secrets");
    expect(text).not.toContain(".env");
    expect(text).not.toContain("server.pem");
  });
});
