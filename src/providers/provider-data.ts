// The namespaces adapters use for opaque data in a block's `providerData`, and readers for them.
// A block's data lives under the key of the wire format that produced it, so another adapter can
// tell that a block (for example a thinking block) is not its own and must not be sent back.

import type { ProviderData } from "../core/messages.ts";
import { isPlainObject } from "../core/plain-object.ts";

/** Data filed by the Anthropic Messages adapter (it currently files none). */
export const ANTHROPIC_DATA = "anthropic";
/** Data filed by the Chat Completions adapter, e.g. which field a reasoning delta came in. */
export const CHAT_DATA = "openai-chat";
/** Data filed by the Responses adapter: whole reasoning items, function-call item ids. */
export const RESPONSES_DATA = "openai-responses";

export { isPlainObject as isRecord };

/** The object filed under `key`, if there is one. */
export function dataUnder(
  data: ProviderData | undefined,
  key: string,
): Record<string, unknown> | undefined {
  const value = data?.[key];
  return isPlainObject(value) ? value : undefined;
}

/** True when the block carries data from some wire format other than `ownKey`. */
export function hasForeignData(data: ProviderData | undefined, ownKey: string): boolean {
  return data !== undefined && Object.keys(data).some((key) => key !== ownKey);
}
