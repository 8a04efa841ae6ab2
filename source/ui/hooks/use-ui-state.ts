import {useSyncExternalStore} from 'react';
import type {UiState} from '../model/ui-state.js';
import type {UiStore} from '../store.js';

/** The wizard's state, re-rendering on every change. */
export function useUiState(store: UiStore): UiState {
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}
