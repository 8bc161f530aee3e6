import { lstat, mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPlaceholderRegistry } from "./placeholders.ts";

let root: string;

beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "cairn-placeholders-")));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function kind(path: string): Promise<string> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) return "missing";
  return info.isDirectory() ? "dir" : "file";
}

describe("placeholders", () => {
  it("creates empty placeholders and removes them when released", async () => {
    const registry = createPlaceholderRegistry();
    const release = await registry.acquire([
      { path: join(root, ".claude"), type: "dir" },
      { path: join(root, "config"), type: "file" },
    ]);
    expect(await kind(join(root, ".claude"))).toBe("dir");
    expect(await kind(join(root, "config"))).toBe("file");
    expect(registry.isPlaceholder(join(root, ".claude"))).toBe(true);
    await release();
    expect(await kind(join(root, ".claude"))).toBe("missing");
    expect(await kind(join(root, "config"))).toBe("missing");
    expect(registry.isPlaceholder(join(root, ".claude"))).toBe(false);
  });

  it("keeps a placeholder until the last command using it has ended", async () => {
    const registry = createPlaceholderRegistry();
    const wanted = [{ path: join(root, ".mcp.json"), type: "dir" as const }];
    const first = await registry.acquire(wanted);
    const second = await registry.acquire(wanted);
    await first();
    await first(); // a second call of the same release changes nothing
    expect(await kind(join(root, ".mcp.json"))).toBe("dir");
    await second();
    expect(await kind(join(root, ".mcp.json"))).toBe("missing");
  });

  it("recreates a placeholder acquired again while it was being removed", async () => {
    const registry = createPlaceholderRegistry();
    const wanted = [{ path: join(root, ".vscode"), type: "dir" as const }];
    const first = await registry.acquire(wanted);
    const releasing = first();
    const second = await registry.acquire(wanted);
    await releasing;
    expect(await kind(join(root, ".vscode"))).toBe("dir");
    await second();
    expect(await kind(join(root, ".vscode"))).toBe("missing");
  });

  it("leaves what someone else put there, and placeholders that are no longer empty", async () => {
    const registry = createPlaceholderRegistry();
    await mkdir(join(root, "theirs"));
    const release = await registry.acquire([
      { path: join(root, "theirs"), type: "dir" },
      { path: join(root, "filled"), type: "dir" },
      { path: join(root, "written"), type: "file" },
    ]);
    await writeFile(join(root, "filled", "settings.json"), "{}");
    await writeFile(join(root, "written"), "text");
    await release();
    expect(await kind(join(root, "theirs"))).toBe("dir");
    expect(await kind(join(root, "filled"))).toBe("dir");
    expect(await kind(join(root, "written"))).toBe("file");
  });

  it("fails with the path when a placeholder cannot be created, holding nothing", async () => {
    const registry = createPlaceholderRegistry();
    const wanted = [
      { path: join(root, "ok"), type: "dir" as const },
      { path: join(root, "no-parent", "x"), type: "dir" as const },
    ];
    await expect(registry.acquire(wanted)).rejects.toThrow(/no-parent/);
    expect(registry.isPlaceholder(join(root, "ok"))).toBe(false);
    expect(await kind(join(root, "ok"))).toBe("missing");
  });
});
