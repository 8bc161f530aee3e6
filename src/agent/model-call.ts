// One model call: stream a request, assemble the reply, time it, and report a failure as a value.
// Shared by the loop's turns and compaction's summary call; retries happen below, in the provider.

import type { AgentEvent } from "../core/events.ts";
import { ProviderError } from "../providers/provider-error.ts";
import type { ModelRequest, Provider } from "../providers/types.ts";
import { createAssembler, type AssembledMessage } from "./assemble.ts";

export interface ModelCall {
  assembled: AssembledMessage;
  /** The call failed (after the provider's retries); nothing of it may be kept. */
  failure: Error | undefined;
  /** The caller's signal fired: the completed blocks may be kept. */
  aborted: boolean;
  durationMs: number;
}

export async function callModel(
  provider: Provider,
  request: ModelRequest,
  io: {
    signal: AbortSignal;
    emit: (event: AgentEvent) => void;
    /** Whether front-ends see the reply as it streams (not for a summary the user never reads). */
    streamEvents: boolean;
  },
): Promise<ModelCall> {
  const assembler = createAssembler(request.model, `msg_${Date.now().toString(36)}`);
  const started = performance.now();
  let failure: Error | undefined;
  try {
    for await (const event of provider.stream(request, io.signal)) {
      assembler.apply(event);
      if (event.type === "retry") {
        const { type: _retry, ...details } = event;
        io.emit({ type: "retry", ...details });
      } else if (io.streamEvents) {
        io.emit({ type: "stream", event });
      }
    }
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  }
  const aborted =
    io.signal.aborted || (failure instanceof ProviderError && failure.kind === "aborted");
  return {
    assembled: assembler.finish(),
    failure: aborted ? undefined : failure,
    aborted,
    durationMs: performance.now() - started,
  };
}
