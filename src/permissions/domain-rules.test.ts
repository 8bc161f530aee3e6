import { describe, expect, it } from "vitest";
import { domainMatches, hostOf } from "../core/domains.ts";
import { parseDomainSpecifier } from "./domain-rules.ts";

const matches = (specifier: string, url: string) => {
  const pattern = parseDomainSpecifier(specifier);
  const host = hostOf(url);
  if (!pattern || host === undefined) throw new Error(`bad test input ${specifier} ${url}`);
  return domainMatches(pattern, host);
};

describe("domain rules", () => {
  it.each([
    ["domain:example.com", "https://example.com/a", true],
    ["domain:example.com", "https://EXAMPLE.com./a", true],
    ["domain:example.com", "https://www.example.com/", false],
    ["domain:example.com", "https://example.com.evil.net/", false],
    ["domain:example.com", "https://example.com@evil.net/", false],
    ["domain:*.example.com", "https://api.example.com/", true],
    ["domain:*.example.com", "https://a.b.example.com/", true],
    ["domain:*.example.com", "https://example.com/", false],
    ["domain:*.example.com", "https://badexample.com/", false],
    ["domain:*", "http://127.0.0.1:8080/", true],
    ["domain:bücher.de", "https://xn--bcher-kva.de/", true],
    ["domain:xn--bcher-kva.de", "https://BÜCHER.de/", true],
  ])("%s on %s: %s", (specifier, url, expected) => {
    expect(matches(specifier, url)).toBe(expected);
  });

  it("rejects specifiers that name no host", () => {
    for (const bad of [
      "domain:",
      "domain:a b",
      "domain:https://x.com",
      "domain:x.com/path",
      "domain:*x.com",
      "example.com",
    ]) {
      expect(parseDomainSpecifier(bad)).toBeUndefined();
    }
  });

  it("has no host for text that is not a URL", () => {
    expect(hostOf("not a url")).toBeUndefined();
  });
});
