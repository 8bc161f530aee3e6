// The transcript's presentational components (history items, the streaming answer, running
// tools, the todo panel) and the Markdown renderer under them. Pure views: no timers, no state
// beyond render caches; the app feeds them the view state.

export { HistoryItemView, type HistoryItemViewProps } from "./history-item.tsx";
export { StreamingMessage, type StreamingMessageProps } from "./streaming-message.tsx";
export { RunningTools } from "./running-tools.tsx";
export { TodoPanel } from "./todo-panel.tsx";
export { Markdown } from "./markdown.tsx";
export { LinesView } from "./lines-view.tsx";
export {
  RenderSettingsProvider,
  createRenderSettings,
  useRenderSettings,
  type RenderSettings,
} from "./render-settings.tsx";
export {
  markdownToLines,
  blockLines,
  createMarkdownCache,
  type MarkdownCache,
  type MarkdownOptions,
} from "./markdown-to-lines.ts";
export {
  createBlockSplitter,
  splitBlocks,
  type BlockSplitter,
  type BlockSplit,
} from "./markdown-blocks.ts";
export { createCodeHighlighter, type CodeHighlighter } from "./highlight.ts";
export { diffToLines } from "./diff-lines.ts";
export type { Line, Segment, Style } from "./segments.ts";
export { lineText } from "./segments.ts";
