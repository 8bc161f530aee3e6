// Drives the built CLI's interactive UI in a real terminal: tmux runs `cairn` against the fake
// model server, `send-keys` types, `capture-pane` reads the screen. Not a terminal emulator of its
// own: what tmux shows is what a user would see.

import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { startFakeLlm, type FakeLlm, type Scenario } from "../fake-llm/index.ts";

/** The built CLI; `CAIRN_TUI_CLI` points the harness at another build (a benchmark of a copy). */
export const cliPath =
  process.env.CAIRN_TUI_CLI ?? resolve(import.meta.dirname, "../../dist/cli.js");

/** Whether tmux can run here; suites skip themselves when it cannot. */
export const hasTmux: boolean = spawnSync("tmux", ["-V"], { stdio: "ignore" }).status === 0;

/** Where a test's cairn runs: one fake model server, one temp HOME, one temp repository. */
export interface TuiWorld {
  llm: FakeLlm;
  /** HOME of every cairn launched here; the cairn home is `<home>/.cairn`. */
  home: string;
  /** The working folder cairn is started in (a git repository when git is installed). */
  cwd: string;
  /** A folder for the test's own files (recordings, fixtures), removed with the world. */
  scratch: string;
  /** Starts `cairn <args>` in a new terminal; the world closes it if the test does not. */
  launch(args?: readonly string[], options?: LaunchOptions): Promise<TuiSession>;
  /** Kills every terminal still open, stops the server and removes the temp folders. */
  close(): Promise<void>;
}

export interface WorldOptions {
  scenario: Scenario;
  /** Files to create in the repository, by relative path. */
  files?: Record<string, string>;
}

export interface LaunchOptions {
  columns?: number;
  rows?: number;
  /** Added to the environment cairn gets (which is otherwise built from scratch, not inherited). */
  env?: Record<string, string>;
  /**
   * Hold cairn until `release()` is called: the terminal exists, but the process is not started,
   * so a benchmark can attach `pipeOutput` first and time the launch from the release.
   */
  held?: boolean;
}

export interface ExitReport {
  /** cairn's exit status (128 + n for a signal the shell saw it die of). */
  code: number;
  /** Whether `stty -g` after cairn ended matched what it was before cairn started. */
  ttyRestored: boolean;
}

export interface TerminalModes {
  cursorVisible: boolean;
  alternateScreen: boolean;
  mouseReporting: boolean;
  applicationKeypad: boolean;
}

export interface TuiSession {
  /** tmux's socket, for commands this harness does not wrap. */
  socket: string;
  /** Types text as is (tmux `send-keys -l`): nothing in it is read as a key name. */
  type(text: string): Promise<void>;
  /**
   * Presses named keys: Enter, Escape, Tab, BTab (Shift+Tab), Up, BSpace, C-c, M-x, S-Enter
   * (reaches cairn as Shift+Enter: `extended-keys` is on), …
   */
  press(...keys: string[]): Promise<void>;
  /** The visible screen as text; with `colors`, SGR escapes included (`capture-pane -e`). */
  screen(options?: { colors?: boolean; scrollback?: boolean }): Promise<string>;
  /** Polls the screen every 50 ms until it matches; on timeout the error shows the screen. */
  waitFor(
    pattern: string | RegExp,
    options?: { timeoutMs?: number; colors?: boolean; scrollback?: boolean },
  ): Promise<string>;
  /** The pid of the cairn process (not the shell around it). */
  pid(): Promise<number>;
  /** Starts a `held` launch; resolves once the key that releases it is sent. */
  release(): Promise<void>;
  /** Appends everything cairn writes to the terminal from now on to `file` (`pipe-pane -o`). */
  pipeOutput(file: string): Promise<void>;
  /** Like `pipeOutput`, into the stdin of `command` (for a recorder that timestamps chunks). */
  pipeOutputTo(command: readonly string[]): Promise<void>;
  /** Waits for cairn to end; reports its status and whether the tty settings came back. */
  waitForExit(timeoutMs?: number): Promise<ExitReport>;
  /** Modes the terminal is in now, as tmux tracks them. */
  modes(): Promise<TerminalModes>;
  /** Kills the tmux server (and with it cairn, if still running). */
  kill(): Promise<void>;
}

const exitLine = /\[cairn exited (\d+), tty (restored|changed)\]/;

export async function createTuiWorld(options: WorldOptions): Promise<TuiWorld> {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run "npm run build" first`);
  const root = await mkdtemp(join(tmpdir(), "cairn-tui-"));
  const home = join(root, "home");
  const cwd = join(root, "repo");
  const scratch = join(root, "scratch");
  await mkdir(home);
  await mkdir(cwd);
  await mkdir(scratch);
  // Not every machine has git; the UI only uses it for `@` completion.
  spawnSync("git", ["init", "-q", cwd], { stdio: "ignore" });
  for (const [path, text] of Object.entries(options.files ?? {})) {
    const target = join(cwd, path);
    await mkdir(join(target, ".."), { recursive: true });
    await writeFile(target, text);
  }
  const llm = await startFakeLlm({ scenario: options.scenario });
  const sessions: TuiSession[] = [];
  let launched = 0;
  return {
    llm,
    home,
    cwd,
    scratch,
    async launch(args = [], launchOptions = {}) {
      launched++;
      const session = await launchSession({
        dir: join(root, `term-${launched}`),
        home,
        cwd,
        url: llm.url,
        args,
        options: launchOptions,
      });
      sessions.push(session);
      return session;
    },
    async close() {
      await Promise.all(sessions.map((s) => s.kill()));
      await llm.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

interface LaunchPlan {
  dir: string;
  home: string;
  cwd: string;
  url: string;
  args: readonly string[];
  options: LaunchOptions;
}

async function launchSession(plan: LaunchPlan): Promise<TuiSession> {
  const { dir, options } = plan;
  await mkdir(dir);
  const socket = join(dir, "tmux.sock");
  const pidFile = join(dir, "cairn.pid");
  const script = join(dir, "run.sh");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: plan.home,
    TERM: "xterm-256color",
    LANG: "C.UTF-8",
    ANTHROPIC_API_KEY: "test",
    ANTHROPIC_BASE_URL: plan.url,
    CAIRN_RETRY_BASE_MS: "5",
    ...options.env,
  };
  const command = [
    "env",
    "-i",
    ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
    process.execPath,
    cliPath,
    ...plan.args,
  ];
  // The shell around cairn outlives it, so the screen after exit can still be read, and says
  // how cairn ended and whether it gave the tty back in the state it found it.
  await writeFile(
    script,
    [
      "before=$(stty -g)",
      ...(options.held ? ["read -r _go"] : []),
      `sh -c 'echo $$ > "$1"; shift; exec "$@"' sh ${shq(pidFile)} ${command.map(shq).join(" ")}`,
      "code=$?",
      'if [ "$(stty -g)" = "$before" ]; then tty=restored; else tty=changed; fi',
      `printf '\\n[cairn exited %s, tty %s]\\n' "$code" "$tty"`,
      // Bounded, so a test process killed before its cleanup leaves nothing behind for long.
      "exec sleep 3600",
      "",
    ].join("\n"),
  );
  const tmux = (...args: string[]): Promise<string> => run("tmux", ["-S", socket, ...args]);
  await run("tmux", [
    "-S",
    socket,
    "-f",
    "/dev/null",
    // Scrollback long enough for a long answer to be read back whole.
    "start-server",
    ";",
    "set-option",
    "-g",
    "history-limit",
    "100000",
    ";",
    // Pass modified keys (Shift+Enter) to programs that ask for them, as users configure it.
    "set-option",
    "-g",
    "extended-keys",
    "on",
    ";",
    "new-session",
    "-d",
    "-s",
    "cairn",
    "-x",
    String(options.columns ?? 100),
    "-y",
    String(options.rows ?? 30),
    "-c",
    plan.cwd,
    `sh ${shq(script)}`,
    ";",
    // Keep the size fixed whatever clients come and go.
    "set-option",
    "-t",
    "cairn",
    "window-size",
    "manual",
  ]);

  const screen = async (opts: { colors?: boolean; scrollback?: boolean } = {}): Promise<string> => {
    const flags = ["-p", "-t", "cairn"];
    if (opts.colors) flags.push("-e");
    if (opts.scrollback) flags.push("-S", "-");
    return tmux("capture-pane", ...flags);
  };
  const waitFor: TuiSession["waitFor"] = async (pattern, opts = {}) => {
    const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
    for (;;) {
      const text = await screen(opts);
      if (typeof pattern === "string" ? text.includes(pattern) : pattern.test(text)) return text;
      if (Date.now() > deadline) {
        throw new Error(`screen never showed ${String(pattern)}; it shows:\n${text}`);
      }
      await delay(50);
    }
  };
  let killed = false;
  return {
    socket,
    async type(text) {
      await tmux("send-keys", "-t", "cairn", "-l", "--", text);
    },
    async press(...keys) {
      await tmux("send-keys", "-t", "cairn", ...keys);
    },
    screen,
    waitFor,
    async pid() {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const text = await readFile(pidFile, "utf8").catch(() => "");
        const pid = Number(text.trim());
        if (text.endsWith("\n") && Number.isInteger(pid) && pid > 0) return pid;
        if (Date.now() > deadline) throw new Error(`cairn never started (no ${pidFile})`);
        await delay(20);
      }
    },
    async release() {
      if (!options.held) throw new Error("release(): this session was not launched held");
      await tmux("send-keys", "-t", "cairn", "Enter");
    },
    async pipeOutput(file) {
      await tmux("pipe-pane", "-o", "-t", "cairn", `cat >> ${shq(file)}`);
    },
    async pipeOutputTo(command) {
      await tmux("pipe-pane", "-o", "-t", "cairn", command.map(shq).join(" "));
    },
    async waitForExit(timeoutMs = 10_000) {
      const text = await waitFor(exitLine, { timeoutMs, scrollback: true });
      const match = exitLine.exec(text);
      return { code: Number(match?.[1]), ttyRestored: match?.[2] === "restored" };
    },
    async modes() {
      const flags = await tmux(
        "display-message",
        "-p",
        "-t",
        "cairn",
        "#{cursor_flag} #{alternate_on} #{mouse_any_flag} #{keypad_flag}",
      );
      const [cursor, alternate, mouse, keypad] = flags.trim().split(" ");
      return {
        cursorVisible: cursor === "1",
        alternateScreen: alternate === "1",
        mouseReporting: mouse === "1",
        applicationKeypad: keypad === "1",
      };
    },
    async kill() {
      if (killed) return;
      killed = true;
      // Already gone is fine: the test may have ended it.
      await run("tmux", ["-S", socket, "kill-server"]).catch(() => undefined);
    },
  };
}

/** A value quoted for sh: single quotes, with embedded ones closed, escaped and reopened. */
function shq(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolveRun, reject) => {
    execFile(command, args, { encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(" ")}: ${error.message} ${stderr}`));
      else resolveRun(stdout);
    });
  });
}
