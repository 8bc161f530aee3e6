// HTML to Markdown for WebFetch: turndown with absolute links, images without inline data and
// GFM pipe tables. Not the fetching or the decoding of the page (web-fetch.ts).

import type TurndownService from "turndown";

/** The page as Markdown; links and images are made absolute against `base`. */
export async function htmlToMarkdown(html: string, base: URL): Promise<string> {
  // Loaded on first use: turndown brings a whole DOM implementation, which start-up should not pay for.
  const { default: Turndown } = await import("turndown");
  const service = new Turndown({
    headingStyle: "atx",
    codeBlockStyle: "fenced",
    bulletListMarker: "-",
  });
  service.remove([
    "head",
    "title",
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "iframe",
    "svg",
    "canvas",
  ] as TurndownService.TagName[]);
  service.addRule("absoluteLinks", {
    filter: (node) => asElement(node).nodeName === "A" && Boolean(attribute(node, "href")),
    replacement: (content, node) => {
      const href = absolute(attribute(node, "href"), base);
      return href && !href.startsWith("javascript:") ? `[${content}](${href})` : content;
    },
  });
  service.addRule("images", {
    filter: "img",
    replacement: (_content, node) => {
      const alt = attribute(node, "alt").trim();
      const src = attribute(node, "src");
      // Inline data images can be megabytes of base64; keep only their description.
      if (src === "" || src.startsWith("data:")) return alt ? `[image: ${alt}]` : "";
      return `![${alt}](${absolute(src, base) ?? src})`;
    },
  });
  addTableRules(service);
  return service.turndown(html).replace(/\n{3,}/g, "\n\n");
}

/**
 * Tables as GFM pipe tables. Turndown alone turns every cell into its own paragraph, so a table of
 * versions or options reached the model as a column of words with its rows and columns lost.
 * A pipe table's cell is one line, though: a table whose cells hold code blocks, lists, headings
 * or tables would lose their line breaks, so such a table keeps turndown's own output.
 */
function addTableRules(service: TurndownService): void {
  const pipeTable = pipeTableJudge();
  service.addRule("tableCell", {
    filter: (node) => isNamed(node, "TH", "TD") && pipeTable(node),
    replacement: (content) =>
      ` ${content
        .replace(/\s*\n\s*/g, " ")
        .replace(/\|/g, "\\|")
        .trim()
        // Turndown escapes what would start a list or heading at a line start ("\-p"); in a
        // cell the text does not start a line.
        .replace(/^\\([-+#>=~])/, "$1")
        .replace(/^(\d+)\\\./, "$1.")} |`,
  });
  service.addRule("tableRow", {
    filter: (node) => isNamed(node, "TR") && pipeTable(node),
    replacement: (content, node) => {
      const row = `\n|${content}`;
      if (!isFirstRow(node)) return row;
      // GFM needs a header row and a separator: the first row serves as the header.
      const cells = Array.from(asTableNode(node).childNodes).filter(
        (child) => child.nodeName === "TH" || child.nodeName === "TD",
      ).length;
      return `${row}\n|${" --- |".repeat(Math.max(1, cells))}`;
    },
  });
  service.addRule("tableSection", {
    filter: (node) => isNamed(node, "THEAD", "TBODY", "TFOOT") && pipeTable(node),
    replacement: (content) => content,
  });
  service.addRule("table", {
    filter: (node) => isNamed(node, "TABLE") && pipeTable(node),
    replacement: (content) => `\n\n${content.trim()}\n\n`,
  });
  service.addRule("tableCaption", {
    filter: "caption",
    replacement: (content) => `\n\n${content.trim()}\n\n`,
  });
}

/** Elements whose line breaks carry meaning, which a one-line pipe-table cell would lose. */
const blockInCell = new Set([
  "PRE",
  "P",
  "UL",
  "OL",
  "DL",
  "H1",
  "H2",
  "H3",
  "H4",
  "H5",
  "H6",
  "TABLE",
  "BLOCKQUOTE",
  "HR",
]);

/**
 * Whether the table a node belongs to (itself, or the nearest one above it) may become a pipe
 * table. Each table is looked through once, and its answer kept for its rows and cells, so a
 * table of many thousands of rows stays linear.
 */
function pipeTableJudge(): (node: unknown) => boolean {
  const judged = new Map<TableNode, boolean>();
  return (node) => {
    let table: TableNode | null = asTableNode(node);
    while (table !== null && table.nodeName !== "TABLE") table = table.parentNode;
    if (table === null) return true; // a row or cell outside any table: nothing to keep whole
    let simple = judged.get(table);
    if (simple === undefined) {
      simple = !holdsBlockContent(table);
      judged.set(table, simple);
    }
    return simple;
  };
}

function holdsBlockContent(table: TableNode): boolean {
  const pending: TableNode[] = [table];
  for (let at = pending.pop(); at !== undefined; at = pending.pop()) {
    for (const child of Array.from(at.childNodes)) {
      if (child.nodeType !== 1) continue; // text and comments
      if (blockInCell.has(child.nodeName)) return true;
      // A caption is not a cell: it is converted on its own lines either way.
      if (child.nodeName !== "CAPTION") pending.push(child);
    }
  }
  return false;
}

function isNamed(node: unknown, ...names: string[]): boolean {
  return names.includes(asTableNode(node).nodeName);
}

/** What the table rules use of a DOM node. */
interface TableNode {
  nodeName: string;
  nodeType: number;
  parentNode: TableNode | null;
  previousSibling: TableNode | null;
  childNodes: ArrayLike<TableNode>;
}

function asTableNode(node: unknown): TableNode {
  return node as TableNode; // turndown hands its rules DOM nodes
}

/**
 * Whether a row is its table's first: no row or row group before it. Only the nearest element
 * sibling is looked at, so a table of many thousands of rows stays linear.
 */
function isFirstRow(node: unknown): boolean {
  const row = asTableNode(node);
  if (previousElement(row) !== undefined) return false;
  const parent = row.parentNode;
  return parent === null || parent.nodeName === "TABLE" || previousRowGroup(parent) === undefined;
}

function previousRowGroup(section: TableNode): TableNode | undefined {
  let at = previousElement(section);
  // Only a caption and column groups may come before the first rows.
  while (at !== undefined && (at.nodeName === "CAPTION" || at.nodeName === "COLGROUP")) {
    at = previousElement(at);
  }
  return at;
}

function previousElement(node: TableNode): TableNode | undefined {
  for (let at = node.previousSibling; at !== null; at = at.previousSibling) {
    if (at.nodeType === 1) return at; // an element; text and comments are skipped
  }
  return undefined;
}

/** What the turndown rules use of a DOM element (the DOM types are not in this project's lib). */
interface ElementLike {
  nodeName: string;
  getAttribute(name: string): string | null;
}

function asElement(node: unknown): ElementLike {
  return node as ElementLike; // turndown hands its rules DOM elements
}

function attribute(node: unknown, name: string): string {
  return asElement(node).getAttribute(name) ?? "";
}

function absolute(href: string, base: URL): string | undefined {
  return URL.parse(href, base.href)?.href;
}
