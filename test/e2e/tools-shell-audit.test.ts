// An outside look at Bash, BashOutput, KillShell, TodoWrite and WebFetch through the built CLI:
// scenarios a Claude Code user or an odd but valid model call would bring, checked against the
// tool results sent back to the model and the processes left on the machine.

import { readdir, readFile, realpath } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm, type FakeLlm } from "../fake-llm/index.ts";
import type { RecordedRequest } from "../fake-llm/server.ts";
import type { ScriptedBlock } from "../fake-llm/scenario.ts";
import { runCli, stderrBesidesSandboxNotice, tempDir } from "./run-cli.ts";
import { toolOutputs, wireSetup } from "./wires.ts";

let llm: FakeLlm;
/** Lets a test fill in a later call's input from an earlier result (a path cairn chose). */
let onRequest: ((request: RecordedRequest) => void) | undefined;

beforeAll(async () => {
  llm = await startFakeLlm({ scenario: { turns: [] }, onRequest: (r) => onRequest?.(r) });
});
afterAll(async () => {
  await llm.close();
});

type Call = [name: string, input: Record<string, unknown>];

const bashCall = (input: Record<string, unknown>): ScriptedBlock => ({
  type: "tool_use",
  name: "Bash",
  input,
});

interface Outcome {
  code: number | null;
  stderr: string;
  outputs: Array<{ text: string; isError: boolean }>;
  tools: Array<{ name: string; description: string }>;
}

/** Runs `cairn -p` where the model makes `calls` one per turn, then answers "done". */
async function play(
  calls: Call[],
  options: { cwd?: string; env?: Record<string, string>; allow?: string } = {},
): Promise<Outcome> {
  const cwd = options.cwd ?? (await realpath(await tempDir("cairn-shell-audit-")));
  const turns = calls.map(([name, input]) => ({
    blocks: [{ type: "tool_use", name, input } satisfies ScriptedBlock],
  }));
  llm.setScenario({ turns: [...turns, { blocks: [{ type: "text", text: "done" }] }] });
  llm.requests.length = 0;
  llm.violations.length = 0;
  const setup = wireSetup("anthropic", llm.url);
  const run = await runCli(
    [
      "-p",
      "go",
      "--model",
      setup.model,
      "--allowedTools",
      options.allow ?? "Bash,BashOutput,KillShell,TodoWrite,WebFetch",
    ],
    { cwd, env: { ...setup.env, ...options.env } },
  );
  expect(llm.violations).toEqual([]);
  const last = llm.requests.at(-1)?.body;
  const outputs = toolOutputs("anthropic", last).map(([, text, isError]) => ({ text, isError }));
  const tools = (llm.requests[0]?.body as { tools: Outcome["tools"] }).tools;
  return { code: run.code, stderr: run.stderr, outputs, tools };
}

/** Pids of running (not zombie) processes whose command line contains `token`. */
async function processesWith(token: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (!cmdline.split("\0").includes(token)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    if (stat !== "" && stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z") found.push(Number(entry));
  }
  return found;
}

/** A `sleep` argument no other process on the machine has, to find that sleep from outside. */
const uniqueSleep = (): string => `${300 + (process.pid % 97)}.${Date.now() % 100_000}1`;

describe("Bash through the CLI", () => {
  it("returns stdout and stderr in write order, and at once from a command reading stdin", async () => {
    const { outputs } = await play([
      ["Bash", { command: "for i in 1 2 3; do echo out$i; echo err$i >&2; done" }],
      // Redirections inside the command still apply.
      [
        "Bash",
        {
          command:
            "ls /nonexistent-x 2>/dev/null; echo kept; ls /nonexistent-y 2>&1 >/dev/null | wc -l",
        },
      ],
      // stdin is closed: nothing waits for input (a hang would end in the 2-minute timeout).
      ["Bash", { command: 'cat; read -r line; echo "read=$? line=[$line]"; head -n 1' }],
    ]);
    expect(outputs[0]?.text).toBe("out1\nerr1\nout2\nerr2\nout3\nerr3\n\nExit code 0");
    expect(outputs[1]?.text).toBe("kept\n1\n\nExit code 0");
    expect(outputs[2]?.text).toBe("read=1 line=[]\n\nExit code 0");
  });

  it("names the signal that killed the command and says `&` processes stopped, sandboxed or not", async () => {
    for (const sandbox of ["1", "0"]) {
      const { outputs } = await play(
        [
          ["Bash", { command: "echo before; kill -9 $$" }],
          ["Bash", { command: `sleep ${uniqueSleep()} & echo server started` }],
        ],
        { env: { CAIRN_SANDBOX: sandbox } },
      );
      // Sandboxed, bubblewrap turns the signal into 137; the model must still learn it was SIGKILL.
      expect(outputs[0]?.text, `CAIRN_SANDBOX=${sandbox}`).toMatch(/^before\n\n.*SIGKILL/);
      expect(outputs[1]?.text, `CAIRN_SANDBOX=${sandbox}`).toBe(
        "server started\n\nExit code 0\nProcesses the command left running in the background " +
          "were stopped; use run_in_background for commands that should keep running.",
      );
    }
  });

  it("keeps a cd from &&, ; and pushd, not from a subshell, and no variables", async () => {
    const cwd = await realpath(await tempDir("cairn-shell-audit-"));
    const { outputs, tools } = await play(
      [
        ["Bash", { command: "mkdir -p a/b/c && cd a && echo in-a" }],
        ["Bash", { command: "(cd b && pwd); pwd" }],
        ["Bash", { command: "echo x; cd b; export AUDIT_VAR=set; set -o noglob" }],
        ["Bash", { command: 'pwd; echo "var=[$AUDIT_VAR]"; echo /*' }],
        ["Bash", { command: "pushd c >/dev/null" }],
        ["Bash", { command: "pwd" }],
        ["Bash", { command: "cd / && pwd" }],
        ["Bash", { command: "pwd" }],
      ],
      { cwd },
    );
    const texts = outputs.map((o) => o.text);
    expect(texts[1]).toBe(`${cwd}/a/b\n${cwd}/a\n\nExit code 0`);
    // noglob did not carry over either: /* was expanded.
    expect(texts[3]).toMatch(new RegExp(`^${cwd}/a/b\nvar=\\[\\]\n/.* /tmp `));
    expect(texts[5]).toBe(`${cwd}/a/b/c\n\nExit code 0`);
    expect(texts[6]).toContain("outside the workspace; the working directory was reset");
    expect(texts[7]).toBe(`${cwd}\n\nExit code 0`);
    // What the model is told matches: variables do not carry over, as in Claude Code.
    const description = tools.find((t) => t.name === "Bash")?.description ?? "";
    expect(description).toMatch(/environment variables .* do not carry over/i);
  });

  it.skipIf(process.platform !== "linux")(
    "kills a grandchild on timeout, so nothing it started survives",
    async () => {
      const token = uniqueSleep();
      const { outputs } = await play(
        [
          ["Bash", { command: `(sleep ${token} & wait) & wait`, timeout: 500 }],
          ["Bash", { command: "echo next" }],
        ],
        { env: { CAIRN_SANDBOX: "0" } },
      );
      expect(outputs[0]?.isError).toBe(true);
      expect(outputs[0]?.text).toMatch(/Timed out after 500 ms/);
      expect(outputs[1]?.text).toBe("next\n\nExit code 0");
      expect(await processesWith(token)).toEqual([]);
    },
  );

  it("rejects a timeout over ten minutes or of zero, and takes exactly ten", async () => {
    const { outputs } = await play([
      ["Bash", { command: "echo no", timeout: 600_001 }],
      ["Bash", { command: "echo no", timeout: 0 }],
      ["Bash", { command: "echo yes", timeout: 600_000 }],
    ]);
    expect(outputs[0]?.isError).toBe(true);
    expect(outputs[0]?.text).toContain("at most 600000 ms");
    expect(outputs[1]?.isError).toBe(true);
    expect(outputs[2]?.text).toBe("yes\n\nExit code 0");
  });

  it("honours Claude Code's BASH_DEFAULT_TIMEOUT_MS and BASH_MAX_OUTPUT_LENGTH", async () => {
    const { outputs } = await play(
      [
        ["Bash", { command: "echo started; sleep 5" }],
        ["Bash", { command: "seq 1 3000" }],
      ],
      { env: { BASH_DEFAULT_TIMEOUT_MS: "400", BASH_MAX_OUTPUT_LENGTH: "1500" } },
    );
    expect(outputs[0]?.isError).toBe(true);
    expect(outputs[0]?.text).toMatch(/^started\n\nTimed out after 400 ms/);
    expect(outputs[1]?.text.length).toBeLessThan(1600);
    expect(outputs[1]?.text).toMatch(/cut from the middle[\s\S]*\n3000\n\nExit code 0$/);
  });

  it("keeps the whole of a long output in a file a later command can read", async () => {
    let spill: string | undefined;
    const check: Record<string, unknown> = { command: "false" };
    onRequest = (request) => {
      const first = toolOutputs("anthropic", request.body)[0]?.[1] ?? "";
      spill ??= /full output is in (\S+) /.exec(first)?.[1];
      if (spill) check.command = `wc -l < ${spill}; sed -n '10000p' ${spill}`;
    };
    try {
      const { outputs } = await play([
        ["Bash", { command: "seq 1 20000; echo done >&2" }],
        ["Bash", check],
      ]);
      const shown = outputs[0]?.text ?? "";
      expect(shown.length).toBeLessThan(31_000);
      expect(shown).toMatch(/^1\n2\n/);
      expect(shown).toMatch(/\n20000\ndone\n\nExit code 0$/);
      expect(shown).toMatch(/\[\.\.\. [\d,]+ characters \(lines \d+-\d+\) cut from the middle/);
      expect(outputs[1]?.text).toBe("20001\n10000\n\nExit code 0");
    } finally {
      onRequest = undefined;
    }
  });

  // The marker says "use Read with offset/limit, or Grep": the file is in cairn's session output
  // folder, outside the workspace, which the permission check lets the read tools open (only).
  it("lets Read and Grep open the saved output the marker points to, and nothing write there", async () => {
    const read: Record<string, unknown> = { file_path: "/nonexistent", offset: 10_000, limit: 1 };
    const grep: Record<string, unknown> = { pattern: "^1999[0-9]$", path: "/nonexistent" };
    const write: Record<string, unknown> = { file_path: "/nonexistent", content: "x" };
    onRequest = (request) => {
      const first = toolOutputs("anthropic", request.body)[0]?.[1] ?? "";
      const spill = /full output is in (\S+) /.exec(first)?.[1];
      if (spill) {
        read.file_path = spill;
        grep.path = spill;
        write.file_path = `${spill}.new`;
      }
    };
    try {
      const { outputs } = await play([
        ["Bash", { command: "seq 1 20000" }],
        ["Read", read],
        ["Grep", grep],
        ["Write", write],
      ]);
      expect(outputs[1]?.isError).toBe(false);
      expect(outputs[1]?.text).toMatch(/10000\t10000/);
      expect(outputs[2]?.isError).toBe(false);
      expect(outputs[2]?.text).toMatch(/^Found 1 file/);
      expect(outputs[3]?.isError).toBe(true);
      expect(outputs[3]?.text).toMatch(/outside the workspace/);
    } finally {
      onRequest = undefined;
    }
  });
});

describe("background shells through the CLI", () => {
  it("reads a finished job's output in order, filtered, and its exit status", async () => {
    const { outputs } = await play([
      [
        "Bash",
        {
          command: "for i in 1 2 3; do echo line$i; echo warn$i >&2; done; exit 4",
          run_in_background: true,
        },
      ],
      ["Bash", { command: "sleep 0.5" }],
      ["BashOutput", { bash_id: "bash_1", filter: "line[23]|warn1" }],
      ["BashOutput", { bash_id: "bash_1" }],
      ["BashOutput", { bash_id: "bash_1", filter: "(unclosed" }],
      ["BashOutput", { bash_id: "bash_7" }],
      ["KillShell", { shell_id: "bash_1" }],
    ]);
    expect(outputs[0]?.text).toMatch(/^Started in the background as bash_1\./);
    expect(outputs[2]?.text).toBe(
      "warn1\nline2\nline3\n[filter /line[23]|warn1/: 3 of 6 new lines matched]\nStatus: exited with code 4",
    );
    expect(outputs[3]?.text).toBe("(no new output)\nStatus: exited with code 4");
    expect(outputs[4]?.isError).toBe(true);
    expect(outputs[4]?.text).toContain("not a valid JavaScript regular expression");
    expect(outputs[5]).toEqual({
      isError: true,
      text: 'No background shell "bash_7". Known shells: bash_1 (exited with code 4).',
    });
    expect(outputs[6]?.text).toContain("bash_1 had already finished (exited with code 4)");
  });

  it.skipIf(process.platform !== "linux")(
    "stops a job with KillShell, twice without harm, and leaves no process when cairn exits",
    async () => {
      const killed = uniqueSleep();
      const leftRunning = `${uniqueSleep()}2`;
      const { code, outputs } = await play([
        ["Bash", { command: `sleep ${killed} & wait`, run_in_background: true }],
        ["Bash", { command: `sleep ${leftRunning}`, run_in_background: true }],
        ["KillShell", { shell_id: "bash_1" }],
        ["KillShell", { shell_id: "bash_1" }],
        ["BashOutput", { bash_id: "bash_1" }],
      ]);
      expect(code).toBe(0);
      expect(outputs[2]?.text).toMatch(/^bash_1 was stopped: killed \(SIG(TERM|KILL)\)\.$/);
      expect(outputs[3]?.isError).toBe(false);
      expect(outputs[3]?.text).toContain("bash_1 had already finished");
      expect(outputs[4]?.text).toMatch(/Status: killed/);
      // The CLI has returned: neither sleep may be left running.
      await delay(100);
      expect(await processesWith(killed)).toEqual([]);
      expect(await processesWith(leftRunning)).toEqual([]);
    },
  );

  it.skipIf(process.platform !== "linux")(
    "winds down on SIGHUP without a sandbox: exit 129, no foreground or background process left",
    async () => {
      const background = uniqueSleep();
      const foreground = `${uniqueSleep()}3`;
      const cwd = await realpath(await tempDir("cairn-shell-audit-"));
      llm.setScenario({
        turns: [
          { blocks: [bashCall({ command: `sleep ${background}`, run_in_background: true })] },
          { blocks: [bashCall({ command: `sleep ${foreground}` })] },
          { blocks: [{ type: "text", text: "done" }] },
        ],
      });
      const setup = wireSetup("anthropic", llm.url);
      // stream-json shows the second call as it is made: the signal comes as it starts.
      const args = ["-p", "go", "--model", setup.model, "--allowedTools", "Bash"];
      const run = await runCli([...args, "--output-format", "stream-json", "--verbose"], {
        cwd,
        env: { ...setup.env, CAIRN_SANDBOX: "0" },
        signal: { name: "SIGHUP", when: `sleep ${foreground}` },
      });
      expect(run.code).toBe(129);
      await delay(100);
      expect(await processesWith(foreground)).toEqual([]);
      expect(await processesWith(background)).toEqual([]);
    },
  );

  it("reports a job killed by a signal by its name", async () => {
    const { outputs } = await play([
      ["Bash", { command: "echo up; kill -9 $$", run_in_background: true }],
      ["Bash", { command: "sleep 0.5" }],
      ["BashOutput", { bash_id: "bash_1" }],
    ]);
    expect(outputs[2]?.text).toMatch(/^up\nStatus: .*SIGKILL/);
  });
});

describe("TodoWrite through the CLI", () => {
  it("takes Claude Code's shape and refuses a wrong status or a missing activeForm", async () => {
    const todo = (content: string, status: string) => ({
      content,
      status,
      activeForm: `${content}ing`,
    });
    const { outputs } = await play([
      [
        "TodoWrite",
        {
          todos: [todo("Build", "completed"), todo("Test", "in_progress"), todo("Ship", "pending")],
        },
      ],
      ["TodoWrite", { todos: [todo("Build", "done")] }],
      ["TodoWrite", { todos: [{ content: "Build", status: "pending" }] }],
      ["TodoWrite", { todos: [todo("Only", "pending")] }],
      ["TodoWrite", { todos: [] }],
    ]);
    expect(outputs[0]).toEqual({
      isError: false,
      text: "Todo list updated: 3 tasks (1 completed, 1 in progress, 1 pending).",
    });
    expect(outputs[1]?.isError).toBe(true);
    expect(outputs[1]?.text).toContain(
      'todos.0.status: Invalid option: expected one of "pending"|"in_progress"|"completed"',
    );
    expect(outputs[2]?.isError).toBe(true);
    expect(outputs[2]?.text).toContain("todos.0.activeForm");
    expect(outputs[3]?.text).toBe(
      "Todo list updated: 1 task (0 completed, 0 in progress, 1 pending).",
    );
    expect(outputs[4]?.text).toBe("Todo list cleared.");
  });
});

describe("WebFetch through the CLI", () => {
  let web: Server;
  let base: string;
  beforeAll(async () => {
    web = createServer((req, res) => {
      const html = (body: Buffer | string, headers: Record<string, string> = {}) => {
        res.writeHead(200, { "content-type": "text/html", ...headers });
        res.end(body);
      };
      switch (req.url) {
        case "/table":
          return html(
            "<table><thead><tr><th>Flag</th><th>Meaning</th></tr></thead><tbody>" +
              "<tr><td>-p</td><td>print | exit</td></tr><tr><td>-c</td><td>continue</td></tr></tbody></table>",
          );
        case "/latin1":
          return html(
            Buffer.concat([
              Buffer.from('<html><head><meta charset="ISO-8859-1"></head><body><p>caf'),
              Buffer.from([0xe9, 0x20, 0x6e, 0x61, 0xef, 0x76, 0x65]),
              Buffer.from("</p></body></html>"),
            ]),
          );
        case "/gzip":
          return html(gzipSync("<p>squeezed</p>"), { "content-encoding": "gzip" });
        case "/pdf":
          res.writeHead(200, { "content-type": "application/pdf" });
          return res.end("%PDF-1.4");
        case "/away":
          res.writeHead(301, { location: "https://example.com/elsewhere" });
          return res.end();
        case "/gone":
          res.writeHead(500, { "content-type": "text/plain" });
          return res.end("database down");
        default:
          res.writeHead(404, { "content-type": "text/html" });
          return res.end("<h1>No such page</h1>");
      }
    });
    await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    web.closeAllConnections();
    await new Promise<void>((resolve) => web.close(() => resolve()));
  });

  it("converts tables, honours a meta charset, unzips, and reports what it cannot follow", async () => {
    const { outputs, stderr } = await play([
      ["WebFetch", { url: `${base}/table`, prompt: "which flags?" }],
      ["WebFetch", { url: `${base}/latin1`, prompt: "text" }],
      ["WebFetch", { url: `${base}/gzip`, prompt: "text" }],
      ["WebFetch", { url: `${base}/pdf`, prompt: "text" }],
      ["WebFetch", { url: `${base}/away`, prompt: "text" }],
      ["WebFetch", { url: `${base}/missing`, prompt: "text" }],
      ["WebFetch", { url: `${base}/gone`, prompt: "text" }],
      ["WebFetch", { url: "file:///etc/passwd", prompt: "text" }],
      ["WebFetch", { url: "ftp://127.0.0.1/x", prompt: "text" }],
      ["WebFetch", { url: "not a url", prompt: "text" }],
    ]);
    expect(stderrBesidesSandboxNotice(stderr)).toBe("");
    const [table, latin1, gzip, pdf, away, missing, gone, file, ftp, invalid] = outputs;
    expect(table?.text).toContain("Look in this page for: which flags?");
    expect(table?.text).toContain(
      "| Flag | Meaning |\n| --- | --- |\n| -p | print \\| exit |\n| -c | continue |",
    );
    expect(latin1?.text).toMatch(/\n\ncafé naïve$/);
    expect(gzip?.text).toMatch(/\n\nsqueezed$/);
    expect(pdf?.isError).toBe(true);
    expect(pdf?.text).toContain("application/pdf");
    expect(away?.text).toContain("redirected (HTTP 301) to https://example.com/elsewhere");
    expect(away?.text).toContain("It was not followed");
    expect(missing?.isError).toBe(true);
    expect(missing?.text).toMatch(/HTTP 404.*\n\n# No such page/s);
    expect(gone?.isError).toBe(true);
    expect(gone?.text).toMatch(/HTTP 500.*\n\ndatabase down/s);
    expect(file?.isError).toBe(true);
    expect(file?.text).toContain("only fetches http and https");
    expect(ftp?.isError).toBe(true);
    expect(ftp?.text).toContain("not ftp:");
    expect(invalid?.isError).toBe(true);
    expect(invalid?.text).toContain("is not a valid URL");
  });
});
