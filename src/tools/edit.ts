// The Edit tool: replace one exact piece of text in a file (or every copy, with replace_all).
// The matching rules live in edit-apply.ts; reading, writing and the result in edit-file.ts.

import * as z from "zod/mini";
import { editFile } from "./edit-file.ts";
import { defineTool } from "./tool.ts";

const input = z.object({
  file_path: z
    .string()
    .check(z.minLength(1), z.describe("Absolute path, or relative to the workspace")),
  old_string: z.string().check(z.describe("Exact text to replace (without Read's line numbers)")),
  new_string: z.string().check(z.describe("Replacement text")),
  replace_all: z.optional(z.boolean()).check(z.describe("Replace every occurrence")),
});

export const editTool = defineTool({
  name: "Edit",
  description:
    "Replace exact text in a file you have Read (and that is unchanged since). old_string must match exactly, indentation included, and only once unless replace_all; add surrounding lines to make it unique. Line endings and encoding are kept. An empty old_string creates a new file.",
  input,
  readOnly: false,
  describeAccess: (args) => ({ kind: "write", paths: [args.file_path] }),
  run: (args, ctx) => editFile(args.file_path, [args], ctx, false),
});
