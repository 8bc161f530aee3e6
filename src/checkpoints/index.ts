// Public face of the checkpoints module: saving files' earlier states as tools change them, and
// rewinding a session's files to how they were when a turn began.
export { defaultMaxFileBytes, openCheckpoints } from "./store.ts";
export type {
  CheckpointOptions,
  CheckpointStore,
  RestoreItem,
  RestorePlan,
  RestoreReport,
  RestoreResult,
  TurnStart,
} from "./store.ts";
export type { TurnSummary } from "./history.ts";
export type { PathState } from "./entries.ts";
