// Small text formats of the transcript: durations, elapsed seconds, the spinner frame.

/** "120ms", "2.3s", "1m 05s". */
export function formatDuration(ms: number): string {
  const safe = Math.max(0, Math.round(ms));
  if (safe < 1000) return `${safe}ms`;
  if (safe < 60_000) return `${(safe / 1000).toFixed(1)}s`;
  const seconds = Math.floor(safe / 1000);
  return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, "0")}s`;
}

/** Whole seconds since `startedAt`, as "3s" or "2m 10s". */
export function formatElapsed(startedAt: number, now: number): string {
  const seconds = Math.max(0, Math.floor((now - startedAt) / 1000));
  return seconds < 60
    ? `${seconds}s`
    : `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, "0")}s`;
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const SPINNER_FRAME_MS = 80;

/** The spinner glyph for a moment: it turns as the caller re-renders with a new `now`. */
export function spinnerFrame(now: number): string {
  const index = Math.floor(now / SPINNER_FRAME_MS) % SPINNER.length;
  return SPINNER[index < 0 ? index + SPINNER.length : index] ?? "⠋";
}
