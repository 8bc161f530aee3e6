// Public face of the prompt editor: the box the interactive session types into.
export { PromptEditor } from "./prompt-editor.tsx";
export type { PromptEditorProps } from "./prompt-editor.tsx";
export type { CommandInfo } from "./completion.ts";
