import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CairnError } from "../core/errors.ts";
import {
  isTrusted,
  trustedBy,
  trustedFolders,
  trustFilePath,
  trustFolder,
  untrustFolder,
} from "./trust.ts";

let base: string;
let cairnHome: string;
let repo: string;

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), "cairn-trust-")));
  cairnHome = join(base, "home", ".cairn");
  repo = join(base, "repo");
  await mkdir(join(repo, "packages", "app"), { recursive: true });
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe("trust", () => {
  it("trusts nothing until told", async () => {
    expect(await isTrusted(repo, cairnHome)).toBe(false);
    expect(await trustedFolders(cairnHome)).toEqual([]);
  });

  it("trusts a folder and everything below it, not its siblings or parent", async () => {
    await mkdir(join(base, "repo-other"));
    await trustFolder(repo, cairnHome, new Date("2026-01-02T03:04:05Z"));
    expect(await isTrusted(repo, cairnHome)).toBe(true);
    expect(await isTrusted(join(repo, "packages", "app"), cairnHome)).toBe(true);
    expect(await isTrusted(join(base, "repo-other"), cairnHome)).toBe(false);
    expect(await isTrusted(base, cairnHome)).toBe(false);
    expect(await trustedFolders(cairnHome)).toEqual([
      { folder: repo, trustedAt: "2026-01-02T03:04:05.000Z" },
    ]);
  });

  it("compares real paths, so a link to a trusted folder is trusted and a link out is not", async () => {
    await symlink(repo, join(base, "link-to-repo"));
    await trustFolder(join(base, "link-to-repo"), cairnHome);
    expect(await trustedFolders(cairnHome)).toEqual([
      { folder: repo, trustedAt: expect.any(String) as string },
    ]);
    expect(await isTrusted(repo, cairnHome)).toBe(true);
    await mkdir(join(base, "elsewhere"));
    await symlink(join(base, "elsewhere"), join(repo, "escape"));
    expect(await isTrusted(join(repo, "escape"), cairnHome)).toBe(false);
  });

  it("writes the file with mode 0600 in a 0700 folder, atomically, keeping other entries", async () => {
    await mkdir(join(base, "b"));
    await trustFolder(repo, cairnHome);
    await trustFolder(join(base, "b"), cairnHome);
    const path = trustFilePath(cairnHome);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(cairnHome)).mode & 0o777).toBe(0o700);
    const json = JSON.parse(await readFile(path, "utf8")) as { folders: Record<string, unknown> };
    expect(Object.keys(json.folders)).toEqual([repo, join(base, "b")].sort());
    expect(await readdir(cairnHome)).toEqual(["trusted-folders.json"]);
  });

  it("tightens a trust file someone made readable by others", async () => {
    await trustFolder(repo, cairnHome);
    await chmod(trustFilePath(cairnHome), 0o644);
    await trustFolder(join(repo, "packages"), cairnHome);
    expect((await stat(trustFilePath(cairnHome))).mode & 0o777).toBe(0o600);
  });

  it("forgets a folder, and says when a parent still covers it", async () => {
    const app = join(repo, "packages", "app");
    await trustFolder(repo, cairnHome);
    await trustFolder(app, cairnHome);
    expect(await trustedBy(app, cairnHome)).toBe(app);
    expect(await untrustFolder(app, cairnHome)).toEqual({ removed: true, stillTrustedBy: repo });
    expect(await untrustFolder(repo, cairnHome)).toEqual({
      removed: true,
      stillTrustedBy: undefined,
    });
    expect(await isTrusted(app, cairnHome)).toBe(false);
    expect(await untrustFolder(repo, cairnHome)).toEqual({
      removed: false,
      stillTrustedBy: undefined,
    });
  });

  it("refuses a damaged trust file instead of guessing", async () => {
    await mkdir(cairnHome, { recursive: true });
    await writeFile(trustFilePath(cairnHome), "{ not json");
    const error: unknown = await isTrusted(repo, cairnHome).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CairnError);
    expect((error as CairnError).code).toBe("bad_config");
    expect((error as CairnError).message).toContain(`${trustFilePath(cairnHome)}: not valid JSON`);
    await writeFile(trustFilePath(cairnHome), '{"folders": ["/"]}');
    const shape: unknown = await isTrusted(repo, cairnHome).catch((e: unknown) => e);
    expect((shape as CairnError).message).toContain("expected {");
  });
});
