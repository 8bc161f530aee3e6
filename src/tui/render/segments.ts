// The styled-text model the renderers produce and the Ink components draw: a line is one
// terminal row, a prefix (bullet, quote bar, indentation) and styled segments, already fitted to
// the width (wrap.ts). Pure data, no Ink, so layouts can be tested as data.

/** What a segment looks like; `color` and `backgroundColor` take Ink's colour names. */
export interface Style {
  color?: string;
  backgroundColor?: string;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
  strikethrough?: boolean;
  dim?: boolean;
}

export interface Segment {
  text: string;
  style?: Style;
}

/** One row. The prefix is kept apart from the text so tests (and readers) can tell them apart. */
export interface Line {
  prefix: Segment[];
  segments: Segment[];
}

export function plainLine(text: string): Line {
  return { prefix: [], segments: text === "" ? [] : [{ text }] };
}

export function segmentsText(segments: readonly Segment[]): string {
  let text = "";
  for (const segment of segments) text += segment.text;
  return text;
}

export function lineText(line: Line): string {
  return segmentsText(line.prefix) + segmentsText(line.segments);
}

/** The style without colours, for NO_COLOR: emphasis (bold, dim, …) stays, colour goes. */
export function withoutColor(style: Style | undefined): Style | undefined {
  if (style === undefined || (style.color === undefined && style.backgroundColor === undefined)) {
    return style;
  }
  const { color: _color, backgroundColor: _background, ...rest } = style;
  return Object.keys(rest).length === 0 ? undefined : rest;
}

/**
 * Rows of segments as lines: the first row gets `first` as its prefix, the others `rest`
 * (spaces of the same width for a hanging indent, or the same quote bar).
 */
export function prefixRows(rows: Segment[][], first: Segment[], rest: Segment[]): Line[] {
  return rows.map((segments, index) => ({ prefix: index === 0 ? first : rest, segments }));
}
