// Holds the screen's state and tells the React tree when it changes (useSyncExternalStore).
// Streamed deltas arrive hundreds of times a second; their notifications are coalesced into one
// per frame, with a timer that exists only while deltas keep coming. Everything else notifies at
// once, so keys and questions feel immediate.

import { reduce, type UiAction, type UiState } from "./view-model.ts";

export interface ViewStore {
  /** Properties, not methods: React's useSyncExternalStore calls them unbound. */
  readonly getState: () => UiState;
  readonly subscribe: (listener: () => void) => () => void;
  readonly dispatch: (action: UiAction) => void;
}

export interface ViewStoreOptions {
  /** How long streamed deltas may wait before the screen hears of them. */
  frameMs?: number;
}

export function createViewStore(initial: UiState, options: ViewStoreOptions = {}): ViewStore {
  const frameMs = options.frameMs ?? 33;
  let state = initial;
  const listeners = new Set<() => void>();
  let pending: NodeJS.Timeout | undefined;

  const notify = (): void => {
    if (pending !== undefined) clearTimeout(pending);
    pending = undefined;
    for (const listener of [...listeners]) listener();
  };

  return {
    getState: () => state,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispatch: (action) => {
      const next = reduce(state, action);
      if (next === state) return;
      state = next;
      if (action.type === "agent" && action.event.type === "stream") {
        pending ??= setTimeout(notify, frameMs);
      } else {
        notify();
      }
    },
  };
}
