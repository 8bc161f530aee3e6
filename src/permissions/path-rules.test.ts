import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compilePathPattern, parsePathPattern, type PathAnchors } from "./path-rules.ts";

const anchors: PathAnchors = { cwd: "/work/proj", home: "/home/me", platform: "linux" };
const covers = (specifier: string, path: string, more: Partial<PathAnchors> = {}, root?: string) =>
  compilePathPattern(specifier, { ...anchors, ...more }, root).matches(path);

describe("path patterns", () => {
  it.each([
    // [specifier, path, covered]
    [".env", "/work/proj/.env", true],
    [".env", "/work/proj/sub/deep/.env", true],
    [".env", "/work/.env", false],
    [".env", "/work/proj/.env.example", false],
    ["./.env", "/work/proj/.env", true],
    ["./.env", "/work/proj/sub/.env", false],
    ["src/**", "/work/proj/src/a/b.ts", true],
    ["src/**", "/work/proj/src", true],
    ["src/**", "/work/proj/lib/src/a.ts", false],
    ["src/*.ts", "/work/proj/src/a.ts", true],
    ["src/*.ts", "/work/proj/src/a/b.ts", false],
    ["*.pem", "/work/proj/keys/server.pem", true],
    ["secrets", "/work/proj/config/secrets/key", true],
    ["secrets/", "/work/proj/secrets/key", true],
    ["/docs/**", "/work/proj/docs/a.md", true],
    ["//etc/passwd", "/etc/passwd", true],
    ["//etc/passwd", "/work/proj/etc/passwd", false],
    ["//etc/**", "/etc/ssh/sshd_config", true],
    ["~/.ssh/**", "/home/me/.ssh/id_rsa", true],
    ["~/.ssh/**", "/work/proj/.ssh/id_rsa", false],
    ["~", "/home/me/anything", true],
    ["../shared/**", "/work/shared/a", true],
    ["../shared/**", "/work/proj/shared/a", false],
    ["**", "/work/proj/a/b", true],
    ["**", "/elsewhere/a", false],
  ])("%s covers %s: %s", (specifier, path, expected) => {
    expect(covers(specifier, path)).toBe(expected);
  });

  it("anchors /path at the rule's root, falling back to the working directory", () => {
    expect(covers("/docs/**", "/repo/docs/a.md", {}, "/repo")).toBe(true);
    expect(covers("/docs/**", "/work/proj/docs/a.md", {}, "/repo")).toBe(false);
    expect(covers("/docs/**", "/work/proj/docs/a.md")).toBe(true);
  });

  it("compares components, never string prefixes: a sibling folder is not inside", () => {
    expect(covers("//work/proj/**", "/work/proj-evil/x")).toBe(false);
    expect(covers("/**", "/work/proj-evil/x")).toBe(false);
    expect(covers("./**", "/work/projx")).toBe(false);
  });

  it("compares case-insensitively on darwin and win32 only", () => {
    expect(covers(".env", "/work/proj/.ENV")).toBe(false);
    expect(covers(".env", "/Work/Proj/.ENV", { platform: "darwin" })).toBe(true);
    expect(covers("//Etc/Passwd", "/etc/passwd", { platform: "darwin" })).toBe(true);
    expect(
      covers("src/**", "C:\\work\\proj\\SRC\\a.ts", { platform: "win32", cwd: "C:\\work\\proj" }),
    ).toBe(true);
  });

  it("does not read a leading ! as negation", () => {
    expect(covers("!keep", "/work/proj/other")).toBe(false);
    expect(covers("!keep", "/work/proj/!keep")).toBe(true);
  });

  it("says where a pattern anchors and whether it floats", () => {
    expect(parsePathPattern(".env", anchors, undefined)).toEqual({
      anchor: "/work/proj",
      glob: ".env",
      floating: true,
    });
    expect(parsePathPattern("./a/../b/", anchors, undefined)).toEqual({
      anchor: "/work/proj",
      glob: "b",
      floating: false,
    });
    expect(parsePathPattern("//", anchors, undefined)).toEqual({
      anchor: "/",
      glob: "",
      floating: false,
    });
  });
});

describe("ripgrep exclusions", () => {
  const exclusion = (specifier: string, searchRoot: string, platform: NodeJS.Platform = "linux") =>
    compilePathPattern(specifier, { ...anchors, platform }, undefined).ripgrepExclusion(searchRoot);

  it("translate patterns that rg reads the same way, relative to where rg runs", () => {
    expect(exclusion(".env", "/work/proj")).toEqual(["--glob", "!.env"]);
    expect(exclusion("./.env", "/work/proj")).toEqual(["--glob", "!/.env"]);
    expect(exclusion("secrets/**", "/work/proj")).toEqual(["--glob", "!/secrets/**"]);
    expect(exclusion("*.pem", "/work/proj/sub")).toEqual(["--glob", "!*.pem"]);
    expect(exclusion("//work/proj/keys/*.pem", "/work/proj")).toEqual(["--glob", "!/keys/*.pem"]);
    expect(exclusion(".env", "/work/proj", "darwin")).toEqual(["--iglob", "!.env"]);
    expect(exclusion("./a/.env", "/work")).toEqual(["--glob", "!/proj/a/.env"]);
  });

  it("leave out what does not translate exactly", () => {
    expect(exclusion("+(a|b).env", "/work/proj")).toEqual([]);
    expect(exclusion("//*/proj/x", "/work/proj")).toEqual([]);
    expect(exclusion("~/.ssh/**", "/work/proj")).toEqual([]);
  });
});

describe("path patterns (properties)", () => {
  const segment = fc.constantFrom("a", "b", "src", ".env", "x.ts", "deep", "k.pem");
  const relPath = fc.array(segment, { minLength: 1, maxLength: 5 });
  const patternPart = fc.constantFrom("a", "b", "src", ".env", "*", "**", "*.ts", "k.*", "deep");
  const pattern = fc
    .tuple(
      fc.constantFrom("", "./", "/", "//work/proj/", "~/"),
      fc.array(patternPart, { minLength: 1, maxLength: 4 }),
    )
    .map(([prefix, parts]) => prefix + parts.join("/"));

  it("a pattern that covers a path covers every spelling of it with . and ..", () => {
    fc.assert(
      fc.property(pattern, relPath, fc.nat(), (specifier, parts, seed) => {
        const base = specifier.startsWith("~/") ? anchors.home : anchors.cwd;
        const canonical = `${base}/${parts.join("/")}`;
        const matcher = compilePathPattern(specifier, anchors, undefined);
        // Spell it with detours through siblings and "." segments, then normalise as resolve() does.
        const detour = parts
          .map((part, i) => ((seed >> i) & 1 ? `./${part}/../${part}` : part))
          .join("/");
        const spelled = new URL(`file://${base}/${detour}`).pathname;
        expect(matcher.matches(spelled)).toBe(matcher.matches(canonical));
      }),
    );
  });
});
