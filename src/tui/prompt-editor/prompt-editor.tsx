// The prompt box at the bottom of the interactive session: wires keys, pastes, the history file
// and the workspace listing to the prompt model, and draws the text with its cursor and menu.
// Behaviour lives in prompt-model.ts; this file only connects it to Ink and the file system.

import { Box, Text, useInput, usePaste, useWindowSize } from "ink";
import { useEffect, useRef, useState, type JSX } from "react";
import type { CommandInfo } from "./completion.ts";
import { CompletionMenu } from "./completion-menu.tsx";
import { appendHistory, loadHistory } from "./history-file.ts";
import { actionForKey } from "./keymap.ts";
import { firstVisibleRow, layoutText, type Row } from "./layout.ts";
import {
  currentMenu,
  handleAction,
  handlePaste,
  initialModel,
  wantsFiles,
  withDraft,
  withLoadedHistory,
  type PromptContext,
  type PromptEffect,
  type PromptModel,
} from "./prompt-model.ts";
import { listWorkspaceFiles } from "./workspace-files.ts";

export interface PromptEditorProps {
  /** The prompt as typed, pastes expanded, trimmed; never empty. What submit means is the app's call. */
  onSubmit: (text: string) => void;
  commands: readonly CommandInfo[];
  /** The workspace `@` completes paths in, and the folder history entries are tagged with. */
  cwd: string;
  /** JSONL of earlier prompts; created on the first submit. */
  historyFile: string;
  /** The agent is working: the box is greyed, but typing, submitting and Esc still work. */
  disabled: boolean;
  /** Esc (outside a menu). */
  onInterrupt: () => void;
  /** Ctrl+C on an empty prompt (with text, Ctrl+C clears it instead). */
  onClearOrExit: () => void;
  /** Esc Esc on an empty, idle prompt. */
  onEditPrevious?: () => void;
  /**
   * Text to put in the prompt (an earlier message to edit), replacing what is there; a new
   * `serial` puts it again.
   */
  draft?: { text: string; serial: number };
  /** Columns the box takes; defaults to the terminal's width. */
  width?: number;
  /** Told when a `/` or `@` menu opens or closes (the app leaves Tab to an open menu). */
  onMenuChange?: (open: boolean) => void;
  /**
   * False while something else owns the keyboard (a permission prompt, a picker): keys and
   * pastes are left to it, and what was typed is kept. Default true.
   */
  active?: boolean;
}

/** Rows of text shown at most; a longer prompt scrolls inside the box. */
const MAX_TEXT_ROWS = 10;
/** A listing older than this is refreshed when a new `@` starts (files come and go). */
const FILE_LIST_MAX_AGE_MS = 30_000;
const PROMPT = "› ";

export function PromptEditor(props: PromptEditorProps): JSX.Element {
  const { cwd, historyFile, disabled } = props;
  const active = props.active ?? true;
  const { columns } = useWindowSize();
  const width = Math.max(12, props.width ?? columns);

  // The model lives in a ref so that several key events in one read each see the previous one's
  // result; the counter only asks React to draw.
  const modelRef = useRef<PromptModel>(initialModel);
  const [, setDrawn] = useState(0);
  const update = (model: PromptModel): void => {
    modelRef.current = model;
    setDrawn((n) => n + 1);
  };
  const [files, setFiles] = useState<readonly string[] | undefined>(undefined);
  const listing = useRef<
    { controller: AbortController; startedAt: number; cwd: string } | undefined
  >(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const firstRow = useRef(0);

  useEffect(() => {
    let live = true;
    loadHistory(historyFile, cwd).then(
      (entries) => {
        if (live) update(withLoadedHistory(modelRef.current, entries));
      },
      (error: unknown) => {
        if (live) setNotice(`history: could not read ${historyFile}: ${messageOf(error)}`);
      },
    );
    return () => {
      live = false;
    };
  }, [historyFile, cwd]);

  useEffect(() => () => listing.current?.controller.abort(), []);

  const { draft } = props;
  useEffect(() => {
    if (draft) update(withDraft(modelRef.current, draft.text));
  }, [draft]);

  const model = modelRef.current;
  const needsFiles = wantsFiles(model);
  useEffect(() => {
    if (!needsFiles) return;
    const previous = listing.current;
    const fresh = previous && Date.now() - previous.startedAt < FILE_LIST_MAX_AGE_MS;
    if (fresh && previous.cwd === cwd) return;
    previous?.controller.abort();
    if (previous && previous.cwd !== cwd) setFiles(undefined);
    const controller = new AbortController();
    listing.current = { controller, startedAt: Date.now(), cwd };
    listWorkspaceFiles(cwd, { signal: controller.signal }).then(
      (paths) => setFiles(paths),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setNotice(`@: could not list ${cwd}: ${messageOf(error)}`);
        setFiles([]);
      },
    );
  }, [needsFiles, cwd]);

  const context = (): PromptContext => ({
    now: Date.now(),
    commands: props.commands,
    files,
    busy: disabled,
  });

  const run = (effect: PromptEffect): void => {
    switch (effect.type) {
      case "submit": {
        const { entry } = effect;
        appendHistory(historyFile, {
          text: entry.text,
          cwd,
          at: Date.now(),
          ...(entry.pastes.length > 0 ? { pastes: [...entry.pastes] } : {}),
        }).then(
          () => setNotice(undefined),
          (error: unknown) =>
            setNotice(`history: could not save to ${historyFile}: ${messageOf(error)}`),
        );
        props.onSubmit(effect.text);
        return;
      }
      case "interrupt":
        props.onInterrupt();
        return;
      case "clear-or-exit":
        props.onClearOrExit();
        return;
      case "edit-previous":
        props.onEditPrevious?.();
        return;
      default: {
        const unhandled: never = effect;
        throw new Error(`unhandled prompt effect ${JSON.stringify(unhandled)}`);
      }
    }
  };

  useInput(
    (input, key) => {
      // The listener goes only when React runs the effects of the render that deactivated it.
      if (!active) return;
      const action = actionForKey(input, key);
      if (!action) return;
      const step = handleAction(modelRef.current, action, context());
      update(step.model);
      for (const effect of step.effects) run(effect);
    },
    { isActive: active },
  );
  usePaste((text) => update(handlePaste(modelRef.current, text)), { isActive: active });

  // Border (2) and prompt (2) take four columns; one more keeps room for the cursor at a row's end.
  const textWidth = Math.max(1, width - 5);
  const { rows, cursorRow } = layoutText(model.editor.text, model.editor.cursor, textWidth);
  const first = firstVisibleRow(rows.length, cursorRow, firstRow.current, MAX_TEXT_ROWS);
  firstRow.current = first;
  const shown = rows.slice(first, first + MAX_TEXT_ROWS);
  const menu = active ? currentMenu(model, context()) : undefined;
  const empty = model.editor.text === "";
  const menuOpen = menu !== undefined;
  const { onMenuChange } = props;
  useEffect(() => onMenuChange?.(menuOpen), [menuOpen, onMenuChange]);

  return (
    <Box flexDirection="column" width={width}>
      <Box
        flexDirection="column"
        borderStyle="round"
        borderColor={disabled ? "gray" : undefined}
        borderDimColor={disabled}
        width={width}
      >
        {shown.map((row, i) => {
          const index = first + i;
          const marker =
            i === 0 && first > 0
              ? "↑ "
              : i === shown.length - 1 && index < rows.length - 1
                ? "↓ "
                : index === 0
                  ? PROMPT
                  : "  ";
          return (
            <Box key={index}>
              <Text dimColor={disabled || marker !== PROMPT}>{marker}</Text>
              <RowText
                text={model.editor.text}
                row={row}
                cursor={index === cursorRow && active ? model.editor.cursor : undefined}
                dim={disabled}
              />
              {empty ? (
                <Text dimColor wrap="truncate-end">
                  {placeholder(disabled)}
                </Text>
              ) : null}
            </Box>
          );
        })}
      </Box>
      {menu ? <CompletionMenu menu={menu} width={width} /> : null}
      {notice ? (
        <Text color="yellow" wrap="truncate-end">
          {notice}
        </Text>
      ) : null}
    </Box>
  );
}

function RowText(props: {
  text: string;
  row: Row;
  cursor: number | undefined;
  dim: boolean;
}): JSX.Element {
  const { text, row, cursor, dim } = props;
  const shown = (from: number, to: number): string => text.slice(from, to).replace(/\t/g, " ");
  if (cursor === undefined) {
    return (
      <Text dimColor={dim} wrap="truncate-end">
        {shown(row.start, row.end)}
      </Text>
    );
  }
  const underEnd = cursor < row.end ? nextGraphemeEnd(text, cursor) : cursor;
  const under = underEnd > cursor ? shown(cursor, underEnd) : " ";
  return (
    <Text dimColor={dim} wrap="truncate-end">
      {shown(row.start, cursor)}
      <Text inverse>{under}</Text>
      {shown(underEnd, row.end)}
    </Text>
  );
}

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

function nextGraphemeEnd(text: string, at: number): number {
  for (const { segment } of graphemes.segment(text.slice(at, at + 64))) return at + segment.length;
  return at;
}

function placeholder(disabled: boolean): string {
  return disabled
    ? " Esc to interrupt · typing goes on"
    : " Ask anything · / for commands · @ for files · \\⏎ for a new line";
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
