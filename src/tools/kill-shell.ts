// The KillShell tool: stops a background shell and every process it started.

import * as z from "zod/mini";
import { describeJobStatus, unknownJobMessage } from "./background-jobs.ts";
import { defineTool } from "./tool.ts";

const input = z.object({
  shell_id: z.string().check(z.describe("The shell id Bash returned, e.g. bash_1")),
});

export const killShellTool = defineTool({
  name: "KillShell",
  description:
    "Stop a background shell started with Bash run_in_background, and every process it started.",
  input,
  // It only stops a job cairn itself started in this session: nothing to ask about.
  readOnly: true,
  describeAccess: () => ({ kind: "none" }),
  async run(call, ctx) {
    const before = ctx.session.jobs.list().find((job) => job.id === call.shell_id);
    if (!before)
      return { content: unknownJobMessage(call.shell_id, ctx.session.jobs), isError: true };
    const after = await ctx.session.jobs.kill(call.shell_id);
    const status = describeJobStatus((after ?? before).status);
    if (before.status.type !== "running") {
      return {
        content: `${call.shell_id} had already finished (${status}); any processes it left behind were stopped.`,
      };
    }
    return { content: `${call.shell_id} was stopped: ${status}.` };
  },
});
