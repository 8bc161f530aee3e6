// The MultiEdit tool: several exact-text edits to one file, applied in order and written once;
// if any edit fails, nothing is written. Shares its rules and I/O with Edit (edit-file.ts).

import * as z from "zod/mini";
import { editFile } from "./edit-file.ts";
import { defineTool } from "./tool.ts";

const edit = z.object({
  old_string: z.string().check(z.describe("Exact text to replace")),
  new_string: z.string().check(z.describe("Replacement text")),
  replace_all: z.optional(z.boolean()).check(z.describe("Replace every occurrence")),
});

const input = z.object({
  file_path: z
    .string()
    .check(z.minLength(1), z.describe("Absolute path, or relative to the workspace")),
  edits: z.array(edit).check(z.minLength(1), z.describe("Edits, applied in order")),
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
