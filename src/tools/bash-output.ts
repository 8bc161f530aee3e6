// The BashOutput tool: the new output of a background shell since the last read, optionally
// filtered by a regular expression, with the job's status.

import * as z from "zod/mini";
import { describeJobStatus, unknownJobMessage } from "./background-jobs.ts";
import { bashOutputLimit } from "./bash.ts";
import { cutMiddleOfSlice } from "./output-buffer.ts";
import { defineTool } from "./tool.ts";

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
    let filter: RegExp | undefined;
    if (call.filter !== undefined) {
      try {
        filter = new RegExp(call.filter);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return Promise.resolve({
          content: `filter is not a valid JavaScript regular expression: ${reason}. Fix it and call BashOutput again.`,
          isError: true,
        });
      }
    }
    const read = ctx.session.jobs.read(call.bash_id, filter);
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
    const text = cutMiddleOfSlice(read.text, bashOutputLimit, read.info.spill);
    parts.push(text === "" ? "(no new output)" : text.replace(/\n$/, ""));
    if (read.lines && filter) {
      parts.push(
        `[filter ${String(filter)}: ${read.lines.matched} of ${read.lines.read} new lines matched]`,
      );
    }
    parts.push(`Status: ${describeJobStatus(read.info.status)}`);
    return Promise.resolve({ content: parts.join("\n") });
  },
});
