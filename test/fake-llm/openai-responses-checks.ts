// Rejects Responses API requests the real API would answer with a 400: a malformed body, a
// function_call without exactly one function_call_output, and reasoning items replayed wrongly.

import { z } from "zod";
import { describeIssues } from "./issue-message.ts";

const inputItem = z.looseObject({ type: z.string().optional(), role: z.string().optional() });

const functionCall = z.looseObject({
  type: z.literal("function_call"),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
});
const functionCallOutput = z.looseObject({
  type: z.literal("function_call_output"),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(z.unknown())]),
});
const reasoning = z.looseObject({
  type: z.literal("reasoning"),
  id: z.string().optional(),
  summary: z.array(z.unknown()),
  encrypted_content: z.string().nullish(),
});

const request = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(inputItem)]).optional(),
  previous_response_id: z.string().nullish(),
  store: z.boolean().optional(),
});

type Request = z.infer<typeof request>;
type InputItem = z.infer<typeof inputItem>;

/** The items the pairing checks care about; everything else is "other". */
type Item =
  | { kind: "call"; callId: string }
  | { kind: "output"; callId: string }
  | { kind: "reasoning"; id: string | undefined; encrypted: boolean }
  | { kind: "reply" }
  | { kind: "other" };

export function findResponsesViolation(body: unknown): string | undefined {
  const parsed = request.safeParse(body);
  if (!parsed.success) return describeIssues(parsed.error);
  const raw = parsed.data.input;
  if (raw === undefined || typeof raw === "string") return undefined;
  const items: Item[] = [];
  for (const [index, item] of raw.entries()) {
    const classified = classify(item, index);
    if (typeof classified === "string") return classified;
    items.push(classified);
  }
  return checkCallPairing(items, parsed.data) ?? checkReasoning(items, parsed.data);
}

function classify(item: InputItem, index: number): Item | string {
  const schema =
    item.type === "function_call"
      ? functionCall
      : item.type === "function_call_output"
        ? functionCallOutput
        : item.type === "reasoning"
          ? reasoning
          : undefined;
  if (schema === undefined) return { kind: item.role === "assistant" ? "reply" : "other" };
  const parsed = schema.safeParse(item);
  if (!parsed.success) return describeIssues(parsed.error, ["input", index]);
  const data = parsed.data;
  switch (data.type) {
    case "function_call":
      return { kind: "call", callId: data.call_id };
    case "function_call_output":
      return { kind: "output", callId: data.call_id };
    case "reasoning":
      return {
        kind: "reasoning",
        id: data.id,
        encrypted: typeof data.encrypted_content === "string",
      };
  }
}

function checkCallPairing(items: readonly Item[], req: Request): string | undefined {
  const outputsByCall = new Map<string, number>();
  for (const [index, item] of items.entries()) {
    if (item.kind === "call") {
      if (outputsByCall.has(item.callId)) {
        return `input[${index}]: duplicate function_call with call_id ${item.callId}`;
      }
      outputsByCall.set(item.callId, 0);
    } else if (item.kind === "output") {
      const answered = outputsByCall.get(item.callId);
      // With previous_response_id the call lives server-side, where this fake cannot see it.
      if (answered === undefined && req.previous_response_id) continue;
      if (answered === undefined) {
        return `input[${index}]: No tool call found for function call output with call_id ${item.callId}.`;
      }
      if (answered > 0) {
        return `input[${index}]: Duplicate function call output for call_id ${item.callId}.`;
      }
      outputsByCall.set(item.callId, 1);
    }
  }
  const missing = [...outputsByCall].find(([, answered]) => answered === 0);
  return missing === undefined
    ? undefined
    : `No tool output found for function call ${missing[0]}.`;
}

function checkReasoning(items: readonly Item[], req: Request): string | undefined {
  for (const [index, item] of items.entries()) {
    if (item.kind !== "reasoning") continue;
    if (!item.encrypted && req.store === false) {
      return `input[${index}]: Item with id '${item.id ?? "?"}' not found. Items are not persisted when \`store\` is set to false; send encrypted_content instead.`;
    }
    // A reasoning item only makes sense in front of the output it led to.
    const next = items.slice(index + 1).find((later) => later.kind !== "reasoning");
    if (next?.kind !== "call" && next?.kind !== "reply") {
      return `input[${index}]: Item '${item.id ?? "?"}' of type 'reasoning' was provided without its required following item.`;
    }
  }
  return undefined;
}
