// The public face of the fake model server used by integration tests, e2e tests and benchmarks.
// Start one with `startFakeLlm({ scenario })`; point an SDK or cairn at its `url`.

export { startFakeLlm } from "./server.ts";
export type { FakeLlm, FakeLlmOptions, RecordedRequest } from "./server.ts";
export { parseScenario, scenarioSchema } from "./scenario.ts";
export { withFakeLlm } from "./with-fake-llm.ts";
export type {
  HangTurn,
  HttpErrorTurn,
  ReplyTurn,
  ResetTurn,
  Scenario,
  ScriptedBlock,
  ScriptedUsage,
  StandingReply,
  Turn,
} from "./scenario.ts";
export type { Wire } from "./wire-format.ts";
/** The deterministic stand-ins for opaque values, for tests that assert what a client sends back. */
export { fakeSignature } from "./reply-plan.ts";
export { encryptedThinking } from "./openai-responses.ts";
