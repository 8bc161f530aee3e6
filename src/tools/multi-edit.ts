// The MultiEdit tool: several exact-text edits to one file, applied in order and written once;
// if any edit fails, nothing is written. Shares its rules and I/O with Edit (edit-file.ts).

import { z } from "zod";
import { editFile } from "./edit-file.ts";
import { defineTool } from "./tool.ts";

const edit = z.object({
  old_string: z.string().describe("Exact text to replace"),
  new_string: z.string().describe("Replacement text"),
  replace_all: z.boolean().optional().describe("Replace every occurrence"),
});

const input = z.object({
  file_path: z.string().min(1).describe("Absolute path, or relative to the workspace"),
  edits: z.array(edit).min(1).describe("Edits, applied in order"),
});

export const multiEditTool = defineTool({
  name: "MultiEdit",
  description:
    "Several Edit-style replacements in one file you have Read, applied in order (each to the previous result) and written once: if any fails, nothing is written.",
  input,
  readOnly: false,
  describeAccess: (args) => ({ kind: "write", paths: [args.file_path] }),
  run: (args, ctx) => editFile(args.file_path, args.edits, ctx, true),
});
