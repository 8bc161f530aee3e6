// Expands the `@path` imports of a memory file. Each imported file is appended after the
// importing file's own text under a header naming it, depth first, and the `@path` stays where
// it was written: inlining mid-sentence would break the sentence that mentions the file.

import { dirname } from "node:path";
import { findImportRefs } from "./import-refs.ts";
import { markdownLines } from "./markdown-lines.ts";
import { maxImportDepth, type MemoryContext } from "./memory-file.ts";
import { displayPath, isWithin, realPathOf, resolveImportSpec } from "./memory-paths.ts";
import { readMemoryFile } from "./read-memory-file.ts";

/**
 * `personal`: a file the user wrote for themselves (user scope, `*.local.md`); its imports may
 * point anywhere. `shared`: a file that came with the repository; its imports must stay inside
 * the repository, or a cloned project could pull `~/.ssh/id_rsa` into the prompt.
 */
export type ImportTrust = "personal" | "shared";

interface Source {
  path: string;
  realPath: string;
}

interface Section {
  source: Source;
  importedBy: Source | undefined;
  body: string;
}

export interface ExpandedMemory {
  content: string;
  imports: string[];
}

/**
 * The text of `top` with comments dropped and its imports appended. `top.realPath` must already
 * be in `ctx.included`; every file imported is added to it, so a file reaches the prompt once
 * per session however many files import it.
 */
export async function expandImports(
  top: Source & { text: string; trust: ImportTrust; note?: string },
  ctx: MemoryContext,
): Promise<ExpandedMemory> {
  const sections: Section[] = [];
  const imports: string[] = [];
  const show = (path: string) => displayPath(path, ctx);

  const expand = async (
    source: Source,
    text: string,
    chain: readonly Source[],
    importedBy: Source | undefined,
  ): Promise<void> => {
    const lines = markdownLines(text);
    sections.push({ source, importedBy, body: tidy(lines.map((line) => line.text).join("\n")) });
    const depth = chain.length - 1;
    for (const ref of findImportRefs(lines)) {
      const where = `memory: ${show(source.path)}:${ref.line}: @${ref.spec}`;
      const target = resolveImportSpec(ref.spec, dirname(source.realPath), ctx.home);
      const real = await realPathOf(target);
      if (real.type === "missing") {
        // A bare word (`@alice`, `@param`) is more likely a mention than a broken import.
        if (/[./]/.test(ref.spec)) ctx.warn(`${where}: no such file; left as text`);
        continue;
      }
      if (real.type === "failed") {
        ctx.warn(`${where}: not imported: ${real.reason}`);
        continue;
      }
      const loop = chain.findIndex((link) => link.realPath === real.path);
      if (loop !== -1) {
        const names = [...chain.slice(loop), { path: target }].map((link) => show(link.path));
        ctx.warn(`${where}: import cycle (${names.join(" → ")}); not expanded again`);
        continue;
      }
      if (ctx.included.has(real.path)) continue;
      if (depth >= maxImportDepth) {
        ctx.warn(`${where}: more than ${maxImportDepth} imports deep; not expanded`);
        continue;
      }
      if (top.trust === "shared" && !isWithin(ctx.root, real.path)) {
        ctx.warn(
          `${where}: not imported: it lies outside the repository, and only your own memory ` +
            `files (user-level, or *.local.md) may import from outside it`,
        );
        continue;
      }
      const read = await readMemoryFile(real.path, ctx.maxFileBytes);
      if (read.type === "missing") {
        ctx.warn(`${where}: no such file; left as text`);
        continue;
      }
      if (read.type === "refused") {
        ctx.warn(`${where}: not imported: ${read.reason}`);
        continue;
      }
      if (read.truncated) {
        ctx.warn(`${where}: not imported: it is larger than ${kib(ctx.maxFileBytes)}`);
        continue;
      }
      ctx.included.add(real.path);
      imports.push(real.path);
      const imported = { path: target, realPath: real.path };
      await expand(imported, read.text, [...chain, imported], source);
    }
  };

  await expand(top, top.text, [top], undefined);

  const [own, ...rest] = sections;
  const parts = [[own?.body ?? "", top.note ?? ""].filter(Boolean).join("\n\n")];
  for (const section of rest) {
    if (section.body === "") continue;
    const by = section.importedBy ? ` (imported by ${show(section.importedBy.path)})` : "";
    parts.push(`Contents of ${show(section.source.path)}${by}:\n\n${section.body}`);
  }
  return { content: parts.filter(Boolean).join("\n\n"), imports };
}

/** Leading blank lines and trailing whitespace go; indentation of the first line stays. */
function tidy(text: string): string {
  return text.replace(/^(?:[ \t]*\r?\n)+/, "").trimEnd();
}

export function kib(bytes: number): string {
  return `${Math.round(bytes / 1024)} KiB`;
}
