// The interactive UI lives for a whole working day, so it trades a little speed for memory.
// With V8's defaults the young generation grows to its maximum under the allocation rate of a
// long session (every request serialises the whole conversation) and the heap keeps headroom
// sized for throughput: 326 MB peak RSS after 520 messages, still growing. These two flags are
// read while the heap runs (not only at start-up, unlike --max-semi-space-size), so they can be
// set from inside the process without a re-exec: 140 MB peak, flat (bench/tui.ts).

import { setFlagsFromString } from "node:v8";

export function favourSmallHeap(): void {
  setFlagsFromString("--optimize-for-size");
  setFlagsFromString("--semi-space-growth-factor=1");
}
