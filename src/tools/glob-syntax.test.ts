import picomatch from "picomatch";
import { describe, expect, test } from "vitest";
import { literalParens, ripgrepGlob } from "./glob-syntax.ts";

const matches = (glob: string, path: string): boolean =>
  picomatch(literalParens(glob), { dot: true })(path);

describe("literalParens", () => {
  test("bare parentheses match themselves, as in rg and git (Next.js route groups)", () => {
    expect(matches("app/(auth)/**/*.tsx", "app/(auth)/login/page.tsx")).toBe(true);
    expect(matches("app/(auth)/**/*.tsx", "app/auth/login/page.tsx")).toBe(false);
    expect(matches("(a|b).ts", "(a|b).ts")).toBe(true);
    expect(matches("(a|b).ts", "a.ts")).toBe(false);
    expect(matches("x).ts", "x).ts")).toBe(true);
  });

  test("extglobs, escapes and bracket classes keep their meaning", () => {
    expect(matches("@(src|lib)/*.ts", "lib/a.ts")).toBe(true);
    expect(matches("!(x).ts", "y.ts")).toBe(true);
    expect(matches("\\(a\\).ts", "(a).ts")).toBe(true);
    expect(matches("[(]a).ts", "(a).ts")).toBe(true);
    expect(literalParens("src/**/*.ts")).toBe("src/**/*.ts");
  });
});

describe("ripgrepGlob", () => {
  const rgMatches = (glob: string, path: string): boolean =>
    picomatch(ripgrepGlob(glob), { dot: true })(path);

  // As rg 13 answers `rg --files -g <glob>`: its globs have no extglobs and no negation.
  test("reads extglob-like groups as literal characters", () => {
    expect(rgMatches("*(1).txt", "x(1).txt")).toBe(true);
    expect(rgMatches("*(1).txt", "x1.txt")).toBe(false);
    expect(rgMatches("?(1).txt", "x(1).txt")).toBe(true);
    expect(rgMatches("@(a).js", "@(a).js")).toBe(true);
    expect(rgMatches("@(a).js", "a.js")).toBe(false);
    expect(rgMatches("+(b).js", "+(b).js")).toBe(true);
    expect(rgMatches("+(b).js", "bb.js")).toBe(false);
    expect(rgMatches("(a).js", "a.js")).toBe(false);
    expect(rgMatches("x(1|2).txt", "x1.txt")).toBe(false);
  });

  test("reads a leading ! as part of the name", () => {
    expect(rgMatches("!x", "!x")).toBe(true);
    expect(rgMatches("!x", "y")).toBe(false);
  });

  test("keeps classes, alternates and escapes", () => {
    expect(rgMatches("**/*.{ts,js}", "a/b.js")).toBe(true);
    expect(rgMatches("[id].tsx", "i.tsx")).toBe(true);
    expect(rgMatches("\\(a\\).ts", "(a).ts")).toBe(true);
  });

  test("negates a class with ! as rg and git do (picomatch alone reads it as a member)", () => {
    expect(rgMatches("[!a]*", "abc")).toBe(false);
    expect(rgMatches("[!a]*", "bcd")).toBe(true);
    expect(rgMatches("[!_]*.ts", "_x.ts")).toBe(false);
    expect(rgMatches("\\[!a]", "[!a]")).toBe(true);
  });
});
