// Pasted text: cleaning it for the prompt, and collapsing a large paste to a one-line label
// (`[Pasted text #1 +42 lines]`) that the full text replaces again on submit.
// Not for telling a paste from typing (the terminal's bracketed paste, or prompt-model.ts).

/** A paste longer than this, or with more lines than PASTE_COLLAPSE_LINES, is collapsed. */
export const PASTE_COLLAPSE_CHARS = 800;
export const PASTE_COLLAPSE_LINES = 10;

export interface PastedText {
  id: number;
  /** What the prompt shows in its place; unique within one prompt because it carries the id. */
  label: string;
  text: string;
}

// CSI and OSC sequences (colours, titles, hyperlinks) and lone ESC-prefixed characters.
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-_])/g;
// C0 controls other than tab and newline, and DEL.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;

/**
 * Pasted or burst-typed text as the prompt keeps it: line breaks as "\n", terminal colour codes
 * and other control characters removed (they would corrupt the screen, and mean nothing to the model).
 */
export function cleanInput(raw: string): string {
  return raw.replace(/\r\n?/g, "\n").replace(ANSI, "").replace(CONTROL, "");
}

export function shouldCollapse(text: string): boolean {
  return text.length > PASTE_COLLAPSE_CHARS || lineCount(text) > PASTE_COLLAPSE_LINES;
}

export function pasteLabel(id: number, text: string): string {
  const lines = lineCount(text);
  return lines > 1
    ? `[Pasted text #${id} +${lines} lines]`
    : `[Pasted text #${id} ${text.length.toLocaleString("en-US")} chars]`;
}

export function makePaste(id: number, text: string): PastedText {
  return { id, label: pasteLabel(id, text), text };
}

/**
 * The text to submit: each paste's label (first occurrence) replaced by what was pasted. One
 * pass over the prompt, so a paste that itself contains a label text is left as pasted.
 */
export function expandPastes(text: string, pastes: readonly PastedText[]): string {
  const unused = new Map(pastes.map((paste) => [paste.label, paste.text]));
  return text.replace(LABEL, (label) => {
    const pasted = unused.get(label);
    if (pasted === undefined) return label;
    unused.delete(label);
    return pasted;
  });
}

const LABEL = /\[Pasted text #\d+ [^\]\n]*\]/g;

/** The pastes whose label is still in the text (an edited-away label drops its paste). */
export function pastesIn(text: string, pastes: readonly PastedText[]): PastedText[] {
  return pastes.filter((paste) => text.includes(paste.label));
}

function lineCount(text: string): number {
  let lines = 1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lines++;
  return text.endsWith("\n") ? lines - 1 : lines;
}
