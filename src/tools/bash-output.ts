// The BashOutput tool: the new output of a background shell since the last read, optionally
// filtered by a regular expression, with the job's status.

import * as z from "zod/mini";
import { describeJobStatus, unknownJobMessage, type LineFilter } from "./background-jobs.ts";
import { bashLimits } from "./bash-limits.ts";
import { cutMiddleOfSlice } from "./output-buffer.ts";
import { filterLinesWithin } from "./regex-deadline.ts";
import { defineTool } from "./tool.ts";

const filterTimeoutMs = 2000;

class FilterTimeout extends Error {}

const input = z.object({
  bash_id: z.string().check(z.describe("The shell id Bash returned, e.g. bash_1")),
  filter: z
    .optional(z.string())
    .check(
      z.describe("Regular expression: return only new lines matching it (others are discarded)"),
    ),
});

export const bashOutputTool = defineTool({
  name: "BashOutput",
  description:
    "Get the output a background shell (Bash with run_in_background) produced since the last " +
    "BashOutput call for it, and its status: running, or its exit code. Returns immediately.",
  input,
  readOnly: true,
  describeAccess: () => ({ kind: "none" }),
  run(call, ctx) {
    let filter: LineFilter | undefined;
    if (call.filter !== undefined) {
      try {
        const regex = new RegExp(call.filter);
        filter = (lines) => {
          // search() ignores lastIndex, so a regex with the g flag behaves the same on every line.
          const kept = filterLinesWithin(lines, regex, filterTimeoutMs);
          if (kept === undefined) throw new FilterTimeout();
          return kept;
        };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return Promise.resolve({
          content: `filter is not a valid JavaScript regular expression: ${reason}. Fix it and call BashOutput again.`,
          isError: true,
        });
      }
    }
    let read;
    try {
      read = ctx.session.jobs.read(call.bash_id, filter);
    } catch (error) {
      if (!(error instanceof FilterTimeout)) throw error;
      return Promise.resolve({
        content: `filter took longer than ${filterTimeoutMs / 1000} s (the pattern backtracks catastrophically, e.g. nested quantifiers like (a+)+); simplify it and call BashOutput again. The output was left unread.`,
        isError: true,
      });
    }
    if (!read) {
      return Promise.resolve({
        content: unknownJobMessage(call.bash_id, ctx.session.jobs),
        isError: true,
      });
    }
    const parts: string[] = [];
    const logPath = read.info.spill.type === "none" ? undefined : read.info.spill.path;
    if (read.lostChars > 0) {
      parts.push(
        `[${read.lostChars.toLocaleString("en-US")} characters of earlier output are no longer ` +
          `in memory${logPath ? `; they are in ${logPath}` : ""}]`,
      );
    }
    const { outputChars } = bashLimits(ctx.session.env);
    const text = cutMiddleOfSlice(read.text, outputChars, read.info.spill);
    parts.push(text === "" ? "(no new output)" : text.replace(/\n$/, ""));
    if (read.lines && call.filter !== undefined) {
      parts.push(
        `[filter ${String(new RegExp(call.filter))}: ${read.lines.matched} of ${read.lines.read} new lines matched]`,
      );
    }
    parts.push(`Status: ${describeJobStatus(read.info.status)}`);
    return Promise.resolve({ content: parts.join("\n") });
  },
});
