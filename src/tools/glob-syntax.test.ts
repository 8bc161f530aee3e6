import picomatch from "picomatch";
import { describe, expect, test } from "vitest";
import { literalParens } from "./glob-syntax.ts";

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
