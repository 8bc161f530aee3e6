import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expandEnv } from "./expand-env.ts";
import { loadMcpConfig } from "./load-config.ts";
import { parseServers } from "./server-config.ts";

describe("expandEnv", () => {
  it("mcp config › expands ${VAR} and ${VAR:-default}, leaving unset ones as written", () => {
    const result = expandEnv("${HOST:-localhost}:${PORT}/${MISSING}/${EMPTY:-d}", {
      PORT: "8080",
      EMPTY: "",
    });
    expect(result.text).toBe("localhost:8080/${MISSING}/d");
    expect(result.missing).toEqual(["MISSING"]);
  });
});

describe("parseServers", () => {
  const env = { TOKEN: "t0k", BIN: "/usr/bin/srv" };

  it("mcp config › reads stdio, http and sse entries and expands every field", () => {
    const { servers, errors } = parseServers(
      {
        local: { command: "${BIN}", args: ["--token", "${TOKEN}"], env: { K: "${TOKEN}" } },
        typed: { type: "stdio", command: "x" },
        web: {
          type: "http",
          url: "https://${HOST:-h.example}/mcp",
          headers: { Authorization: "Bearer ${TOKEN}" },
        },
        old: { type: "sse", url: "https://s.example/sse" },
      },
      ".mcp.json",
      "project",
      env,
    );
    expect(errors).toEqual([]);
    expect(servers.map((s) => s.config)).toEqual([
      { type: "stdio", command: "/usr/bin/srv", args: ["--token", "t0k"], env: { K: "t0k" } },
      { type: "stdio", command: "x" },
      { type: "http", url: "https://h.example/mcp", headers: { Authorization: "Bearer t0k" } },
      { type: "sse", url: "https://s.example/sse" },
    ]);
  });

  it("mcp config › keeps a remote entry's oauth block, expanded, and names a bad field", () => {
    const { servers, errors } = parseServers(
      {
        docs: {
          type: "http",
          url: "https://d.example/mcp",
          oauth: {
            clientId: "cairn-cli",
            clientSecret: "${TOKEN}",
            callbackPort: 8123,
            scope: "read",
          },
        },
        badport: { type: "sse", url: "https://s.example/sse", oauth: { callbackPort: 70000 } },
      },
      "/repo/.mcp.json",
      "project",
      env,
    );
    expect(servers.map((s) => s.config)).toEqual([
      {
        type: "http",
        url: "https://d.example/mcp",
        oauth: { clientId: "cairn-cli", clientSecret: "t0k", callbackPort: 8123, scope: "read" },
      },
    ]);
    expect(errors).toEqual([
      {
        name: "badport",
        type: "invalid_config",
        message: "/repo/.mcp.json: mcpServers.badport: oauth.callbackPort: expected a port 1-65535",
      },
    ]);
  });

  it("mcp config › skips invalid entries with a message naming file, server and field", () => {
    const { servers, errors } = parseServers(
      {
        nourltype: { url: "https://x.example" },
        badtype: { type: "websocket", url: "ws://x" },
        nocommand: { args: ["a"] },
        badargs: { command: "x", args: "a b" },
        "bad name": { command: "x" },
        fine: { command: "ok" },
      },
      "/repo/.mcp.json",
      "project",
      {},
    );
    expect(servers.map((s) => s.name)).toEqual(["fine"]);
    expect(errors.map((e) => [e.name, e.type])).toEqual([
      ["nourltype", "url_missing_type"],
      ["badtype", "invalid_config"],
      ["nocommand", "invalid_config"],
      ["badargs", "invalid_config"],
      ["bad name", "invalid_config"],
    ]);
    expect(errors[1]?.message).toBe(
      '/repo/.mcp.json: mcpServers.badtype: type: expected one of "stdio", "http", "sse", got "websocket"',
    );
    expect(errors[2]?.message).toMatch(/^\/repo\/\.mcp\.json: mcpServers\.nocommand: command: /);
    expect(errors[3]?.message).toMatch(/mcpServers\.badargs: args: /);
  });

  it("mcp config › a url that is not http(s) after expansion is an error naming file and server", () => {
    const { servers, errors } = parseServers(
      {
        ftp: { type: "http", url: "ftp://x.example/mcp" },
        unset: { type: "sse", url: "${BASE}/sse" },
        fine: { type: "http", url: "${BASE:-http://127.0.0.1:9}/mcp" },
      },
      "/repo/.mcp.json",
      "project",
      {},
    );
    expect(servers.map((s) => s.name)).toEqual(["fine"]);
    expect(errors).toEqual([
      {
        name: "ftp",
        type: "invalid_config",
        message:
          '/repo/.mcp.json: mcpServers.ftp: url: expected an http(s) URL, got "ftp://x.example/mcp"',
      },
      {
        name: "unset",
        type: "invalid_config",
        message:
          '/repo/.mcp.json: mcpServers.unset: url: expected an http(s) URL, got "${BASE}/sse"',
      },
    ]);
  });

  it("mcp config › warns about unset variables without a default", () => {
    const { servers } = parseServers(
      { s: { command: "x", env: { A: "${NOPE}" } } },
      "f",
      "user",
      {},
    );
    expect(servers[0]?.warnings).toEqual(["f: mcpServers.s: ${NOPE} is not set; left as written"]);
  });
});

describe("loadMcpConfig", () => {
  async function layout() {
    const base = await mkdtemp(join(tmpdir(), "cairn-mcp-config-"));
    const root = join(base, "repo");
    const cairnHome = join(base, "home", ".cairn");
    const claudeJson = join(base, "home", ".claude.json");
    await mkdir(root, { recursive: true });
    await mkdir(cairnHome, { recursive: true });
    return { base, root, cairnHome, claudeJson };
  }

  it("mcp config › local beats project beats user, the winning entry used whole", async () => {
    const { root, cairnHome, claudeJson } = await layout();
    await writeFile(
      join(root, ".mcp.json"),
      JSON.stringify({
        mcpServers: { shared: { command: "project", args: ["p"] }, proj: { command: "p" } },
      }),
    );
    await writeFile(
      join(cairnHome, "mcp.json"),
      JSON.stringify({
        mcpServers: { shared: { command: "user" }, mine: { command: "u" } },
        projects: { [root]: { mcpServers: { shared: { command: "local" } } } },
      }),
    );
    await writeFile(
      claudeJson,
      JSON.stringify({
        mcpServers: { mine: { command: "claude-user" }, claude: { command: "c" } },
        projects: { "/elsewhere": { mcpServers: { other: { command: "o" } } } },
      }),
    );
    const config = await loadMcpConfig({
      root,
      cairnHome,
      claudeJson,
      env: {},
      cliConfigs: [],
      strict: false,
      cwd: root,
    });
    const byName = Object.fromEntries(config.servers.map((s) => [s.name, s]));
    expect(Object.keys(byName)).toEqual(["claude", "mine", "proj", "shared"]);
    expect(byName.shared?.scope).toBe("local");
    expect(byName.shared?.config).toEqual({ type: "stdio", command: "local" }); // no args merged in
    expect(byName.mine?.config).toEqual({ type: "stdio", command: "u" }); // cairn's file first
    expect(byName.proj?.scope).toBe("project");
    expect(config.warnings.some((w) => w.includes('"shared"') && w.includes("shadowed"))).toBe(
      true,
    );
  });

  it("mcp config › --strict-mcp-config reads only the --mcp-config files and JSON", async () => {
    const { root, cairnHome, claudeJson, base } = await layout();
    await writeFile(
      join(root, ".mcp.json"),
      JSON.stringify({ mcpServers: { proj: { command: "p" } } }),
    );
    const file = join(base, "extra.json");
    await writeFile(file, JSON.stringify({ mcpServers: { fromfile: { command: "f" } } }));
    const config = await loadMcpConfig({
      root,
      cairnHome,
      claudeJson,
      env: {},
      cliConfigs: [
        file,
        '{"mcpServers": {"inline": {"type": "http", "url": "http://h"}}}',
        "missing.json",
      ],
      strict: true,
      cwd: base,
    });
    expect(config.servers.map((s) => [s.name, s.scope])).toEqual([
      ["fromfile", "cli"],
      ["inline", "cli"],
    ]);
    expect(config.errors).toEqual([
      expect.objectContaining({
        type: "invalid_file",
        message: expect.stringContaining("missing.json") as unknown,
      }),
    ]);
  });

  it("mcp config › a file that is not JSON is reported, the others still load", async () => {
    const { root, cairnHome, claudeJson } = await layout();
    await writeFile(join(root, ".mcp.json"), "{ not json");
    await writeFile(
      join(cairnHome, "mcp.json"),
      JSON.stringify({ mcpServers: { u: { command: "u" } } }),
    );
    const config = await loadMcpConfig({
      root,
      cairnHome,
      claudeJson,
      env: {},
      cliConfigs: [],
      strict: false,
      cwd: root,
    });
    expect(config.servers.map((s) => s.name)).toEqual(["u"]);
    expect(config.errors[0]?.message).toContain(".mcp.json: is not valid JSON");
  });
});
