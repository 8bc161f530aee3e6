import { describe, expect, it } from "vitest";
import { CairnError } from "../core/errors.ts";
import { canonicalHost, parseDomainPattern } from "../core/domains.ts";
import { judgeHost, networkAccess, type DomainAllowlist } from "./domain-allowlist.ts";

function list(allow: string[], deny: string[] = []): DomainAllowlist {
  const access = networkAccess({ allowedDomains: allow, deniedDomains: deny });
  if (access.type !== "filtered") throw new Error(`expected a filtered list, got ${access.type}`);
  return access.allowlist;
}

describe("domain allowlist", () => {
  // The same cases as WebFetch's domain rules (src/permissions/domain-rules.test.ts).
  it.each([
    ["example.com", "example.com", true],
    ["example.com", "EXAMPLE.com.", true],
    ["example.com", "www.example.com", false],
    ["example.com", "example.com.evil.net", false],
    ["*.example.com", "api.example.com", true],
    ["*.example.com", "a.b.example.com", true],
    ["*.example.com", "example.com", false],
    ["*.example.com", "badexample.com", false],
    ["bücher.de", "xn--bcher-kva.de", true],
    ["xn--bcher-kva.de", "BÜCHER.de", true],
    ["localhost", "127.0.0.1", false],
  ])("%s on %s: %s", (entry, raw, expected) => {
    const host = canonicalHost(raw);
    if (host === undefined) throw new Error(`bad test host ${raw}`);
    expect(judgeHost(list([entry]), host).type === "allowed").toBe(expected);
  });

  it("lets a denied domain win over an allowed one", () => {
    const allowlist = list(["*.example.com", "example.com"], ["secret.example.com"]);
    expect(judgeHost(allowlist, "api.example.com")).toEqual({ type: "allowed" });
    expect(judgeHost(allowlist, "secret.example.com")).toEqual({
      type: "denied",
      reason: "denied-domain",
      host: "secret.example.com",
    });
    expect(judgeHost(allowlist, "other.com")).toMatchObject({ reason: "not-allowed" });
  });

  it("writes every notation of an IPv4 address the one usual way", () => {
    for (const raw of ["127.0.0.1", "2130706433", "0x7f.0.0.1", "0177.0.0.1", "127.1"]) {
      expect(canonicalHost(raw), raw).toBe("127.0.0.1");
    }
    expect(canonicalHost("[::1]")).toBe("[::1]");
    expect(canonicalHost("[0:0::1]")).toBe("[::1]");
  });

  it("has no host for what is not one", () => {
    for (const raw of ["", "a b", "a/b", "a@b", "a:80", "*.a.com", "a%2eb", "[zz]"]) {
      expect(canonicalHost(raw), raw).toBeUndefined();
    }
  });

  it("rejects patterns that name no host", () => {
    for (const bad of ["", "https://x.com", "x.com/path", "x.com:443", "*x.com", "a b", "[::1]"]) {
      expect(parseDomainPattern(bad), bad).toBeUndefined();
    }
    expect(parseDomainPattern("*")).toEqual({ type: "any" });
  });
});

describe("networkAccess", () => {
  it("is none without allowed domains, all for a lone *, filtered otherwise", () => {
    expect(networkAccess({})).toEqual({ type: "none" });
    expect(networkAccess({ allowedDomains: [], deniedDomains: ["a.com"] })).toEqual({
      type: "none",
    });
    expect(networkAccess({ allowedDomains: ["*"] })).toEqual({ type: "all" });
    expect(networkAccess({ allowedDomains: ["github.com", "*.npmjs.org"] })).toEqual({
      type: "filtered",
      allowlist: {
        allow: [
          { type: "host", host: "github.com" },
          { type: "subdomains", parent: "npmjs.org" },
        ],
        deny: [],
      },
    });
  });

  it("filters * when something is denied: a direct connection would ignore the deny list", () => {
    const access = networkAccess({ allowedDomains: ["*"], deniedDomains: ["evil.com"] });
    expect(access.type).toBe("filtered");
  });

  it("names the setting and the entry that is not a host", () => {
    expect(() => networkAccess({ allowedDomains: ["github.com", "https://x.com"] })).toThrow(
      'settings: sandbox.network.allowedDomains[1]: "https://x.com" is not a host name',
    );
    try {
      networkAccess({ allowedDomains: ["a.com"], deniedDomains: ["b.com:80"] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CairnError);
      expect((error as CairnError).message).toContain("sandbox.network.deniedDomains[0]");
      expect((error as CairnError).hint).toContain('"*.npmjs.org"');
    }
  });
});
