/** A tiny external store for the Ink wizard's state: the flow dispatches, React reads it with useSyncExternalStore. */
import {reduce} from './model/reducer.js';
import type {UiAction, UiState} from './model/ui-state.js';

export interface UiStore {
  getState(): UiState;
  dispatch(action: UiAction): void;
  subscribe(listener: () => void): () => void;
}

export function createUiStore(initial: UiState): UiStore {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch(action) {
      const next = reduce(state, action);
      if (next === state) return;
      state = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
