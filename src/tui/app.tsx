// The interactive screen: finished items go to the scrollback once (<Static>); below them the
// live region (the answer streaming, tools running, a permission question, the todo list, the
// prompt, the footer) is kept shorter than the terminal so Ink never redraws the scrollback.
// Timers run only while something does (the spinner); an idle screen has none.

import {
  Box,
  Static,
  Text,
  useApp,
  useBoxMetrics,
  useInput,
  useStdout,
  useWindowSize,
  type DOMElement,
} from "ink";
import { memo, useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { UiController } from "./controller.ts";
import { ElicitationForm } from "./elicitation-form.tsx";
import { McpApprovalPrompt } from "./mcp-approval-prompt.tsx";
import type { McpUi, McpUiState } from "./mcp-ui.ts";
import type { EarlierPrompt, HistoryItem } from "./types.ts";
import { Footer } from "./footer.tsx";
import { withPlainKeys } from "./keyboard-modes.ts";
import { MessagePicker } from "./message-picker.tsx";
import { PermissionPrompt } from "./permission-prompt.tsx";
import { PromptEditor } from "./prompt-editor/index.ts";
import {
  HistoryItemView,
  RenderSettingsProvider,
  RunningTools,
  StreamingMessage,
  TodoPanel,
  type RenderSettings,
} from "./render/index.ts";

export interface AppProps {
  controller: UiController;
  settings: RenderSettings;
  /** Ctrl+C from outside the keyboard (a SIGINT sent to the process) arrives here. */
  onExternalInterrupt?: (handler: () => void) => () => void;
  /** The clock; tests pass their own. */
  now?: () => number;
}

/** Two Ctrl+C within this long exit. */
const exitWindowMs = 1_000;
/** How often the spinner and elapsed times move while cairn works. */
const tickMs = 100;
/**
 * Rows the streaming text leaves free: its top margin, the row Ink's cursor sits on below the
 * frame, and two to spare, so a frame whose lower part grew since it was measured still fits.
 */
const reservedRows = 4;

export function App({ controller, settings, onExternalInterrupt, now = Date.now }: AppProps) {
  const state = useSyncExternalStore(controller.subscribe, controller.getState);
  const { columns, rows } = useWindowSize();
  const { exit: unmount, suspendTerminal } = useApp();
  const width = Math.max(20, columns);

  // Leaving draws one last frame without the live region, so the terminal keeps the
  // conversation and not a stale prompt box; then Ink unmounts.
  const [leaving, setLeaving] = useState(false);
  const exit = useCallback(() => setLeaving(true), []);
  useEffect(() => {
    if (leaving) unmount();
  }, [leaving, unmount]);

  const { stdout } = useStdout();
  useEffect(
    () =>
      controller.attachTerminal({
        suspend: (run) => suspendTerminal(() => withPlainKeys(stdout, run)),
        exit,
      }),
    [controller, exit, suspendTerminal, stdout],
  );

  const printEpoch = useReprintOnWidthChange(columns);
  const clock = useTicker(state.busy, now);
  const busySince = useBusySince(state.busy, now);

  // Ctrl+C: stops the run if there is one; on an idle, empty prompt the second press within a
  // second exits. The hint says so, and goes away with its own short timer.
  const lastPress = useRef<number | undefined>(undefined);
  const [exitHint, setExitHint] = useState(false);
  useEffect(() => {
    if (!exitHint) return;
    const timer = setTimeout(() => setExitHint(false), exitWindowMs);
    return () => clearTimeout(timer);
  }, [exitHint]);
  const onCtrlC = useCallback((): void => {
    const at = now();
    if (lastPress.current !== undefined && at - lastPress.current < exitWindowMs) {
      exit();
      return;
    }
    lastPress.current = at;
    if (controller.getState().busy) controller.interrupt();
    setExitHint(true);
  }, [controller, exit, now]);
  useEffect(() => onExternalInterrupt?.(onCtrlC), [onExternalInterrupt, onCtrlC]);

  const { picker, draft, openPicker, closePicker, choose } = useEarlierMessages(controller);
  const mcp = useMcpQuestions(controller.mcp);
  const elicitation = state.permission === undefined ? mcp.state.elicitation : undefined;
  // A permission question or an elicitation form, when one comes, takes the keyboard first.
  const approvalFocused =
    mcp.focused &&
    elicitation === undefined &&
    state.permission === undefined &&
    picker === undefined;

  // Tab completes in an open `/` or `@` menu; only otherwise does it go to the MCP question.
  const [menuOpen, setMenuOpen] = useState(false);
  useInput((_input, key) => {
    if (key.tab && key.shift) controller.cycleMode();
    // The MCP question waits without the keyboard; Tab hands it over.
    else if (
      key.tab &&
      !menuOpen &&
      mcp.state.approval &&
      !state.permission &&
      !elicitation &&
      !picker
    )
      mcp.focus();
  });

  // What sits below the streaming text, measured, decides how many rows the text may take.
  const lower = useRef<DOMElement>(null);
  const { height: lowerHeight } = useBoxMetrics(lower);
  const streamRows = Math.max(3, rows - lowerHeight - reservedRows);
  const streaming = state.streamingText !== "" || state.streamingThinking !== "";

  return (
    <RenderSettingsProvider value={settings}>
      <History key={`${state.epoch}:${printEpoch}`} items={state.history} width={width} />
      {leaving ? null : (
        <Box flexDirection="column" width={width}>
          {streaming ? (
            <Box marginTop={1}>
              <StreamingMessage
                text={state.streamingText}
                thinking={state.streamingThinking}
                width={width}
                maxLines={streamRows}
              />
            </Box>
          ) : null}
          <Box ref={lower} flexDirection="column" width={width}>
            {state.running.length > 0 ? (
              <Box marginTop={1}>
                <RunningTools tools={state.running} now={clock} />
              </Box>
            ) : null}
            {state.busy &&
            state.running.length === 0 &&
            state.permission === undefined &&
            elicitation === undefined ? (
              <Working
                label={state.activity ?? "Working"}
                since={busySince}
                now={clock}
                color={settings.color}
                still={streaming}
              />
            ) : null}
            {state.queued.map((text, index) => (
              <Text key={index} dimColor wrap="truncate-end">
                {`queued: ${text.replace(/\s+/g, " ")}`}
              </Text>
            ))}
            {state.permission !== undefined ? (
              <Box marginTop={1}>
                <PermissionPrompt
                  key={state.permission.toolUseId}
                  pending={state.permission}
                  onAnswer={(choice) => controller.answerPermission(choice)}
                  onCtrlC={onCtrlC}
                  width={width}
                />
              </Box>
            ) : null}
            {elicitation !== undefined && controller.mcp ? (
              <Box marginTop={1}>
                <ElicitationForm
                  key={elicitation.id}
                  request={elicitation}
                  onAnswer={(answer) => controller.mcp?.answerElicitation(elicitation.id, answer)}
                  onCtrlC={onCtrlC}
                  width={width}
                />
              </Box>
            ) : null}
            {mcp.state.approval !== undefined && controller.mcp ? (
              <Box marginTop={1}>
                <McpApprovalPrompt
                  key={`${mcp.state.approval.kind}:${mcp.state.approval.server}`}
                  request={mcp.state.approval}
                  more={mcp.state.moreApprovals}
                  focused={approvalFocused}
                  onAnswer={mcp.answer}
                  onBlur={mcp.blur}
                  onCtrlC={onCtrlC}
                  width={width}
                />
              </Box>
            ) : null}
            {state.todos.length > 0 ? (
              <Box marginTop={1}>
                <TodoPanel todos={state.todos} />
              </Box>
            ) : null}
            {picker !== undefined ? (
              <Box marginTop={1}>
                <MessagePicker
                  prompts={picker === "loading" ? undefined : picker}
                  onChoose={choose}
                  onCancel={closePicker}
                  width={width}
                  now={new Date(now())}
                />
              </Box>
            ) : null}
            <Box marginTop={1}>
              <PromptEditor
                onSubmit={(text) => controller.submit(text)}
                commands={controller.commands}
                cwd={controller.cwd}
                historyFile={controller.historyFile}
                disabled={state.busy}
                active={
                  state.permission === undefined &&
                  picker === undefined &&
                  elicitation === undefined &&
                  !approvalFocused
                }
                onInterrupt={() => controller.interrupt()}
                onEditPrevious={openPicker}
                {...(draft ? { draft } : {})}
                onClearOrExit={onCtrlC}
                onMenuChange={setMenuOpen}
                width={width}
              />
            </Box>
            <Footer
              status={state.status}
              hint={exitHint ? "Press Ctrl+C again to exit" : undefined}
              width={width}
            />
          </Box>
        </Box>
      )}
    </RenderSettingsProvider>
  );
}

/**
 * Esc Esc: the earlier messages to pick from (undefined while no picker is open), and the text
 * of the chosen one, for the prompt editor, once the controller has gone back to before it.
 */
function useEarlierMessages(controller: UiController) {
  // "loading" opens the picker at the key press itself, so it holds the keyboard from then on
  // (opened only once the list is read, the first keys after it appears went to the prompt).
  const [picker, setPicker] = useState<readonly EarlierPrompt[] | "loading" | undefined>();
  const [draft, setDraft] = useState<{ text: string; serial: number } | undefined>(undefined);
  const openPicker = useCallback((): void => {
    if (controller.getState().busy || !controller.earlierPrompts) return;
    setPicker("loading");
    void controller.earlierPrompts().then((prompts) => {
      // Cancelled meanwhile (Esc), or nothing to offer (the controller said why).
      setPicker((now) => (now === "loading" && prompts.length > 0 ? prompts : undefined));
    });
  }, [controller]);
  const closePicker = useCallback(() => setPicker(undefined), []);
  const choose = useCallback(
    (prompt: EarlierPrompt, options: { files: boolean }): void => {
      setPicker(undefined);
      void controller.rewindToPrompt?.(prompt, options).then((done) => {
        if (done) setDraft((last) => ({ text: prompt.text, serial: (last?.serial ?? 0) + 1 }));
      });
    },
    [controller],
  );
  return { picker, draft, openPicker, closePicker, choose };
}

const noMcp: McpUiState = {
  approval: undefined,
  moreApprovals: 0,
  elicitation: undefined,
  revision: 0,
};
const noMcpState = (): McpUiState => noMcp;
const noSubscribe = (): (() => void) => () => undefined;

/**
 * The MCP servers' questions: the store's state (its changes also redraw the app, so commands from
 * servers that connected later reach the completion menu), and whether the approval question has
 * the keyboard.
 */
function useMcpQuestions(mcp: McpUi | undefined) {
  const state = useSyncExternalStore(mcp?.subscribe ?? noSubscribe, mcp?.getState ?? noMcpState);
  const [focused, setFocused] = useState(false);
  const focus = useCallback(() => setFocused(true), []);
  const blur = useCallback(() => setFocused(false), []);
  const request = state.approval;
  useEffect(() => {
    if (request === undefined) setFocused(false);
  }, [request]);
  const answer = useCallback(
    (approve: boolean): void => {
      if (!request || !mcp) return;
      // With more questions waiting the keyboard stays with them; the last hands it back.
      if (state.moreApprovals === 0) setFocused(false);
      mcp.answerApproval(request, approve);
    },
    [mcp, request, state.moreApprovals],
  );
  return { state, focused: focused && request !== undefined, focus, blur, answer };
}

/** One line while cairn waits on the model: a spinner, what it does, and for how long. */
function Working({
  label,
  since,
  now,
  color,
  still,
}: {
  label: string;
  since: number;
  now: number;
  color: boolean;
  /** While the answer streams above, the text shows the progress: the spinner holds still. */
  still: boolean;
}) {
  const frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
  const frame = still ? "⠿" : (frames[Math.floor(now / 80) % frames.length] ?? "·");
  const seconds = Math.max(0, Math.floor((now - since) / 1000));
  return (
    <Box marginTop={1}>
      <Text>
        <Text color={color ? "cyan" : undefined}>{frame}</Text>
        {` ${label}… `}
        <Text dimColor>{`${seconds}s · Esc to interrupt`}</Text>
      </Text>
    </Box>
  );
}

/**
 * A width change makes the terminal re-wrap what is on screen, and Ink's erase of its last frame
 * then misses rows (ghost prompt boxes). So the screen and scrollback are cleared and the whole
 * conversation is printed again at the new width; the returned number keys <Static> for that.
 */
function useReprintOnWidthChange(columns: number): number {
  const { stdout } = useStdout();
  const [epoch, setEpoch] = useState(0);
  const width = useRef(columns);
  useEffect(() => {
    if (columns === width.current) return;
    width.current = columns;
    if (!("isTTY" in stdout) || stdout.isTTY !== true) return;
    stdout.write(clearScreenAndScrollback);
    setEpoch((n) => n + 1);
  }, [columns, stdout]);
  return epoch;
}

const clearScreenAndScrollback = "\u001B[2J\u001B[3J\u001B[H";

/** The clock, moving every tick while `active`; frozen (no timer) otherwise. */
function useTicker(active: boolean, now: () => number): number {
  const [time, setTime] = useState(now);
  useEffect(() => {
    if (!active) return;
    setTime(now());
    const timer = setInterval(() => setTime(now()), tickMs);
    return () => clearInterval(timer);
  }, [active, now]);
  return time;
}

/** When the current busy spell began. */
function useBusySince(busy: boolean, now: () => number): number {
  const since = useRef(now());
  const was = useRef(busy);
  if (busy && !was.current) since.current = now();
  was.current = busy;
  return since.current;
}

/**
 * The scrollback part, re-rendered only when history grows or the width changes. Ink draws a
 * changed <Static> at once, outside its frame-rate limit: rendered inline, every streamed token
 * would redraw the whole screen immediately (measured: 913 frames in 2 s instead of 59).
 */
const History = memo(function History({
  items,
  width,
}: {
  items: readonly HistoryItem[];
  width: number;
}) {
  return (
    <Static items={[...items]}>
      {(item) => <HistoryItemView key={item.id} item={item} width={width} />}
    </Static>
  );
});
