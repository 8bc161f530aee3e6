// The MCP questions on the interactive screen: the approval question waits in the live region
// while the prompt keeps the keyboard (Tab hands it over), and an elicitation request becomes a
// form whose answer goes back to the server. The real store (mcp-ui.ts) over a fake manager.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ElicitRequest, ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { cleanup, render } from "ink-testing-library";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { McpApprovalRequest, ServerStatus } from "../mcp/index.ts";
import { App } from "./app.tsx";
import type { UiController } from "./controller.ts";
import { ElicitationForm, type ElicitationAnswer } from "./elicitation-form.tsx";
import { parseElicitationForm } from "./elicitation-model.ts";
import { createMcpUi, type McpUiOptions } from "./mcp-ui.ts";
import { createRenderSettings } from "./render/index.ts";
import type { StatusLine } from "./types.ts";
import { initialViewState } from "./view-model.ts";
import { createViewStore } from "./view-store.ts";

const ENTER = "\r";
const ESC = "\x1b";
const TAB = "\t";
const DOWN = "\x1b[B";

const settle = (ms = 50): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const status: StatusLine = {
  model: "claude-sonnet-5-5",
  mode: "default",
  contextTokens: 0,
  contextWindow: 200_000,
  costUsd: 0,
  backgroundShells: 0,
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "cairn-mcp-screen-"));
});
afterEach(async () => {
  cleanup();
  await rm(dir, { recursive: true, force: true });
});

type Elicit = (server: string, request: ElicitRequest["params"]) => Promise<ElicitResult>;

/** A manager with one project server awaiting approval, recording decisions. */
function fakeManager() {
  let pending: McpApprovalRequest[] = [
    {
      kind: "project-server",
      server: "github",
      source: ".mcp.json",
      config: { type: "stdio", command: "npx", args: ["-y", "@acme/github-mcp"] },
    },
  ];
  const listeners = new Set<() => void>();
  const decisions: Array<[string, boolean]> = [];
  let elicit: Elicit | undefined;
  const manager: McpUiOptions["mcp"] = {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    pendingApprovals: () => pending,
    decideProjectServer(server, approve) {
      decisions.push([server, approve]);
      pending = pending.filter((p) => p.server !== server);
      for (const listener of listeners) listener();
      return Promise.resolve();
    },
    decideChangedTools: () => Promise.resolve(),
    statuses: (): ServerStatus[] => [],
    entries: () => [],
    setElicit(handler) {
      elicit = handler;
    },
  };
  return { manager, decisions, elicit: () => elicit };
}

function setup() {
  const fake = fakeManager();
  const mcp = createMcpUi({ mcp: fake.manager, notice: () => undefined });
  const store = createViewStore(initialViewState(status, dir), { frameMs: 0 });
  const submit = vi.fn<(text: string) => void>();
  const controller: UiController = {
    getState: store.getState,
    subscribe: store.subscribe,
    submit,
    interrupt: () => undefined,
    answerPermission: () => undefined,
    cycleMode: () => undefined,
    attachTerminal: () => () => undefined,
    commands: [{ name: "help", description: "Show help", run: () => undefined }],
    mcp,
    cwd: dir,
    historyFile: join(dir, "history.jsonl"),
  };
  const view = render(
    <App controller={controller} settings={createRenderSettings({ NO_COLOR: "1" })} />,
  );
  const press = async (...keys: string[]): Promise<void> => {
    for (const key of keys) {
      view.stdin.write(key);
      await settle();
    }
  };
  return { ...fake, mcp, view, press, submit };
}

describe("MCP approval question on the screen", () => {
  it("mcp screen › the question waits while the first prompt is typed and sent", async () => {
    const { view, press, submit, decisions } = setup();
    await settle();
    const frame = view.lastFrame() ?? "";
    expect(frame).toContain('MCP server "github" (.mcp.json) wants to start');
    expect(frame).toContain("npx -y @acme/github-mcp");
    expect(frame).toContain("Tab to answer (approve / deny)");
    // "1" would approve if the question had the keyboard: it must land in the prompt instead.
    await press("1", " ", "fix it", ENTER);
    expect(submit).toHaveBeenCalledWith("1 fix it");
    expect(decisions).toEqual([]);
    expect(view.lastFrame()).toContain('MCP server "github"');
  });

  it("mcp screen › Tab hands the keyboard to the question; choosing approve records it", async () => {
    const { view, press, submit, decisions } = setup();
    await settle();
    await press(TAB);
    expect(view.lastFrame()).toContain("1. Approve: start it now");
    expect(view.lastFrame()).toContain("2. Deny");
    await press("x");
    await press(ENTER);
    expect(decisions).toEqual([["github", true]]);
    expect(submit).not.toHaveBeenCalled();
    await settle();
    expect(view.lastFrame()).not.toContain('MCP server "github"');
  });

  it("mcp screen › Tab completes in an open / menu instead of taking the question", async () => {
    const { view, press, submit, decisions } = setup();
    await settle();
    await press("/", "h", TAB);
    expect(view.lastFrame()).not.toContain("1. Approve: start it now");
    expect(view.lastFrame()).toContain("/help");
    await press(ENTER);
    expect(submit).toHaveBeenCalledWith("/help");
    expect(decisions).toEqual([]);
  });

  it("mcp screen › Esc gives the keyboard back to the prompt; Down then Enter denies", async () => {
    const { press, submit, decisions } = setup();
    await settle();
    await press(TAB, ESC, "h", "i", ENTER);
    expect(submit).toHaveBeenCalledWith("hi");
    expect(decisions).toEqual([]);
    await press(TAB, DOWN, ENTER);
    expect(decisions).toEqual([["github", false]]);
  });
});

const everythingSchema = {
  message: "Please provide inputs for the following fields:",
  requestedSchema: {
    type: "object",
    properties: {
      name: { title: "String", type: "string", description: "Your full, legal name" },
      check: { title: "Boolean", type: "boolean" },
      integer: { title: "Integer", type: "integer", minimum: 1, maximum: 100, default: 42 },
      pet: {
        type: "string",
        title: "Pet",
        enum: ["pet-1", "pet-2"],
        enumNames: ["Cats", "Dogs"],
        default: "pet-1",
      },
      fish: {
        type: "array",
        title: "Fish",
        items: {
          anyOf: [
            { const: "fish-1", title: "Tuna" },
            { const: "fish-2", title: "Salmon" },
          ],
        },
        default: ["fish-1"],
      },
    },
    required: ["name"],
  },
} as const;

function renderForm() {
  const parsed = parseElicitationForm(everythingSchema);
  if (parsed.type !== "form") throw new Error(parsed.message);
  const answers: ElicitationAnswer[] = [];
  const view = render(
    <ElicitationForm
      request={{ id: 1, server: "everything", message: parsed.message, form: parsed.form }}
      onAnswer={(answer) => answers.push(answer)}
      onCtrlC={() => undefined}
      width={100}
    />,
  );
  const press = async (...keys: string[]): Promise<void> => {
    for (const key of keys) {
      view.stdin.write(key);
      await settle(30);
    }
  };
  return { view, press, answers };
}

describe("MCP elicitation form", () => {
  it("mcp screen › shows the fields with their defaults filled in", async () => {
    const { view } = renderForm();
    await settle();
    const frame = view.lastFrame() ?? "";
    expect(frame).toContain('MCP server "everything" asks:');
    expect(frame).toContain("String*:");
    expect(frame).toContain("Boolean: [ ]");
    expect(frame).toContain("Integer: 42");
    expect(frame).toContain("◀ Cats ▶");
    expect(frame).toContain("[x] Tuna");
    expect(frame).toContain("Accept");
  });

  it("mcp screen › typing, toggling and choosing, then Accept sends the content", async () => {
    const { press, answers } = renderForm();
    await settle();
    await press("A", "d", "a", DOWN, " ", DOWN, "\x7f", "\x7f", "7", DOWN, "\x1b[C", DOWN);
    await press("\x1b[C", " ", DOWN, ENTER);
    expect(answers).toEqual([
      {
        action: "accept",
        content: { name: "Ada", check: true, integer: 7, pet: "pet-2", fish: ["fish-1", "fish-2"] },
      },
    ]);
  });

  it("mcp screen › a missing required field is named and nothing is sent", async () => {
    const { view, press, answers } = renderForm();
    await settle();
    await press(DOWN, DOWN, DOWN, DOWN, DOWN, ENTER);
    expect(answers).toEqual([]);
    expect(view.lastFrame()).toContain("String: required");
  });

  it("mcp screen › Decline and Esc answer decline and cancel", async () => {
    const first = renderForm();
    await settle();
    await first.press(DOWN, DOWN, DOWN, DOWN, DOWN, DOWN, ENTER);
    expect(first.answers).toEqual([{ action: "decline" }]);
    cleanup();
    const second = renderForm();
    await settle();
    await second.press(ESC);
    await settle();
    expect(second.answers).toEqual([{ action: "cancel" }]);
  });

  it("mcp screen › a server's request shows the form in the app; the answer resolves the request", async () => {
    const { view, press, elicit, submit } = setup();
    await settle();
    const handler = elicit();
    if (!handler) throw new Error("the store did not register an elicitation handler");
    const result = handler("everything", everythingSchema as unknown as ElicitRequest["params"]);
    await settle();
    expect(view.lastFrame()).toContain('MCP server "everything" asks:');
    // The form has the keyboard: typing fills the first field, not the prompt.
    await press("B", "o", "b");
    for (let i = 0; i < 5; i++) await press(DOWN);
    await press(ENTER);
    await expect(result).resolves.toEqual({
      action: "accept",
      content: { name: "Bob", check: false, integer: 42, pet: "pet-1", fish: ["fish-1"] },
    });
    expect(submit).not.toHaveBeenCalled();
    await settle();
    expect(view.lastFrame()).not.toContain("asks:");
  });
});

describe("MCP store", () => {
  it("mcp screen › keeping changed tools withheld is not asked again this session", async () => {
    const withheld: McpApprovalRequest = { kind: "changed-tools", server: "git", tools: ["push"] };
    const decided: Array<[string, boolean]> = [];
    const notices: string[] = [];
    const mcp = createMcpUi({
      mcp: {
        subscribe: () => () => undefined,
        // The manager keeps reporting them: withholding is its default.
        pendingApprovals: () => [withheld],
        decideProjectServer: () => Promise.resolve(),
        decideChangedTools(server, accept) {
          decided.push([server, accept]);
          return Promise.resolve();
        },
        statuses: () => [],
        entries: () => [],
        setElicit: () => undefined,
      },
      notice: (text) => notices.push(text),
    });
    expect(mcp.getState().approval).toEqual(withheld);
    mcp.answerApproval(withheld, false);
    await settle(10);
    expect(decided).toEqual([["git", false]]);
    expect(mcp.getState().approval).toBeUndefined();
    expect(notices).toEqual([
      'Kept the changed tools of MCP server "git" withheld for this session: push.',
    ]);
  });
});
