// The Ink side of the interactive session: mounts the app on the terminal, or the picker
// `--resume` shows without an id. Loaded while the session opens, so React and Ink load in
// parallel with it (run-interactive.ts).

import { render } from "ink";
import type { SessionSummary } from "../sessions/index.ts";
import type { Env } from "../providers/index.ts";
import { App } from "./app.tsx";
import type { UiController } from "./controller.ts";
import { enableModifiedKeys, kittyKeyboardOption, translateInput } from "./keyboard-modes.ts";
import { createRenderSettings } from "./render/index.ts";
import { TrustPrompt } from "./trust-prompt.tsx";
import { SessionPicker } from "./session-picker.tsx";

export interface ScreenIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: Env;
}

export interface MountedScreen {
  unmount(): void;
  waitUntilExit(): Promise<unknown>;
}

function renderOptions(io: ScreenIo) {
  return {
    stdin: io.stdin,
    stdout: io.stdout,
    stderr: io.stderr,
    maxFps: 30,
    incrementalRendering: true,
    patchConsole: false,
    exitOnCtrlC: false,
    // Ink calls an environment with CI=true non-interactive; a real terminal is interactive.
    interactive: io.stdout.isTTY,
  };
}

/** Draws the session until the user leaves; SIGINT from outside reaches `onExternalInterrupt`. */
export function mountApp(
  controller: UiController,
  io: ScreenIo,
  onExternalInterrupt: (handler: () => void) => () => void,
): MountedScreen {
  // Shift+Enter told apart from Enter where the terminal can (keyboard-modes.ts).
  const untranslate = translateInput(io.stdin);
  const instance = render(
    <App
      controller={controller}
      settings={createRenderSettings(io.env)}
      onExternalInterrupt={onExternalInterrupt}
    />,
    { ...renderOptions(io), kittyKeyboard: kittyKeyboardOption },
  );
  if (io.stdin.isTTY) enableModifiedKeys(io.stdout);
  const exited = instance.waitUntilExit();
  exited.then(untranslate, untranslate);
  return { unmount: () => instance.unmount(), waitUntilExit: () => exited };
}

/** The session the user picks, or undefined (Esc) for a new one. */
export async function pickSession(
  sessions: readonly SessionSummary[],
  io: ScreenIo,
): Promise<string | undefined> {
  let picked: string | undefined;
  const picker = render(
    <SessionPicker sessions={sessions} now={new Date()} onPick={(id) => (picked = id)} />,
    renderOptions(io),
  );
  await picker.waitUntilExit();
  return picked;
}

/** Whether the user trusts `folder`, whose files in `files` configure cairn. */
export async function askTrust(
  folder: string,
  files: readonly string[],
  io: ScreenIo,
): Promise<boolean> {
  let trusted = false;
  const prompt = render(
    <TrustPrompt folder={folder} files={files} onAnswer={(answer) => (trusted = answer)} />,
    renderOptions(io),
  );
  await prompt.waitUntilExit();
  return trusted;
}
