// What every transcript component reads besides its props: whether to use colour (NO_COLOR),
// whether thinking is shown expanded, and the shared highlighter and Markdown block cache.
// The app provides one per session; components rendered without it make their own.

import { createContext, use, useMemo, type ReactNode } from "react";
import { createCodeHighlighter, type CodeHighlighter } from "./highlight.ts";
import { createMarkdownCache, type MarkdownCache } from "./markdown-to-lines.ts";

export interface RenderSettings {
  /** False when NO_COLOR is set: no foreground or background colours anywhere. */
  color: boolean;
  /** Thinking blocks in the history shown whole instead of as one line. */
  expandThinking: boolean;
  highlighter: CodeHighlighter;
  markdownCache: MarkdownCache;
}

/**
 * Settings from the environment: `NO_COLOR` (any non-empty value, per no-color.org) turns colour
 * off; `CAIRN_SHOW_THINKING=1` expands thinking. Ink's chalk does not read NO_COLOR itself.
 */
export function createRenderSettings(
  env: Readonly<Record<string, string | undefined>>,
): RenderSettings {
  const noColor = env["NO_COLOR"];
  const showThinking = env["CAIRN_SHOW_THINKING"];
  return {
    color: noColor === undefined || noColor === "",
    expandThinking: showThinking !== undefined && showThinking !== "" && showThinking !== "0",
    highlighter: createCodeHighlighter(),
    markdownCache: createMarkdownCache(),
  };
}

const RenderSettingsContext = createContext<RenderSettings | undefined>(undefined);

export function RenderSettingsProvider({
  value,
  children,
}: {
  value: RenderSettings;
  children: ReactNode;
}) {
  return <RenderSettingsContext value={value}>{children}</RenderSettingsContext>;
}

/** The provided settings, or (outside a provider) ones made from process.env for this component. */
export function useRenderSettings(): RenderSettings {
  const provided = use(RenderSettingsContext);
  return useMemo(() => provided ?? createRenderSettings(process.env), [provided]);
}
