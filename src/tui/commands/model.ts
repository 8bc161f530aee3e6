// `/model [provider/id]`: lists the catalog's models by provider, marking the current one, or
// switches to another model. Which specs are valid is the providers module's call (setModel).

import { catalogData, type CatalogEntry } from "../../providers/index.ts";
import { lookupModel } from "../../providers/index.ts";
import type { SlashCommand } from "../types.ts";
import { columns, formatPrice, formatTokens } from "./format.ts";
import { usageError, words } from "./usage.ts";

const usage = "[provider/model-id]";

export const modelCommand: SlashCommand = {
  name: "model",
  description: "List the known models, or switch to another",
  argumentHint: usage,
  async run(args, context) {
    const given = words(args);
    if (given.length > 1)
      throw usageError(modelCommand, "give one model, like anthropic/claude-opus-4-8");
    const spec = given[0];
    if (spec === undefined) {
      context.notice(modelList(context.info.status.model, context.info.provider));
      return;
    }
    await context.setModel(spec);
    // `info` is read now, after the switch: it names the model the spec resolved to (aliases too).
    const { model, contextWindow } = context.info.status;
    const known = lookupModel(model);
    const window = `${formatTokens(contextWindow)} context window`;
    context.notice(
      known.known
        ? `Now using ${model}: ${window}, ${formatPrice(known.pricing.input)} / ` +
            `${formatPrice(known.pricing.output)} per million tokens in / out.`
        : `Now using ${model} (${window}). It is not in cairn's catalog, so its cost is not ` +
            "counted unless settings give its prices (providers.<name>.models).",
    );
  },
};

/** The catalog grouped by the provider that serves each model, the current one marked `*`. */
export function modelList(current: string, currentProvider: string | undefined): string {
  const currentId = bareId(current);
  const marked = catalogKeyOf(currentId);
  const groups = new Map<string, Array<[string, CatalogEntry]>>();
  for (const [id, entry] of Object.entries(catalogData)) {
    const provider = id.startsWith("claude-") ? "anthropic" : "openai";
    groups.set(provider, [...(groups.get(provider) ?? []), [id, entry]]);
  }
  const rows: string[][] = [];
  const headings = new Map<number, string>();
  for (const [provider, entries] of groups) {
    headings.set(rows.length, provider);
    for (const [id, entry] of entries) {
      rows.push([
        id === marked ? "  *" : "   ",
        `${provider}/${id}`,
        `${formatTokens(entry.contextWindow)} context`,
        `${formatPrice(entry.pricing.input)} / ${formatPrice(entry.pricing.output)}`,
      ]);
    }
  }
  const lines: string[] = [];
  columns(rows, new Set([2])).forEach((line, i) => {
    const heading = headings.get(i);
    if (heading !== undefined) lines.push(`${heading}:`);
    lines.push(line);
  });
  const shownCurrent =
    currentProvider !== undefined && !current.includes("/")
      ? `${currentProvider}/${current}`
      : current;
  return [
    `Current model: ${shownCurrent}${marked === undefined ? " (not in the catalog)" : ""}`,
    "",
    "Known models (prices in USD per million input / output tokens):",
    ...lines,
    "",
    "Switch with /model <provider/id>, e.g. /model openai/gpt-5. Models outside this list work",
    "too: openai-chat/<model> for a local or OpenAI-compatible server, or a provider from settings.",
  ].join("\n");
}

function bareId(model: string): string {
  return model.includes("/") ? model.slice(model.lastIndexOf("/") + 1) : model;
}

/** The catalog key a model id is, or is a dated or tagged version of (as lookupModel decides). */
function catalogKeyOf(id: string): string | undefined {
  if (catalogData[id]) return id;
  const versions = Object.keys(catalogData)
    .filter((key) => id.startsWith(key) && versionSuffix.test(id.slice(key.length)))
    .sort((a, b) => b.length - a.length);
  return versions[0];
}

const versionSuffix = /^(-\d{8}|-\d{4}-\d{2}-\d{2}|-latest|[@:].*)$/;
