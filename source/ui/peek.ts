/**
 * A quick look at state.json for the first frame: the step statuses, without loading the schema (zod) or
 * the plan (pki). It trusts nothing: anything odd just shows every step as pending, and the flow then
 * loads the file properly and reports any problem with it.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {STEP_IDS, STEP_STATUSES, type StepStatus} from '../state/constants.js';
import type {StepRow} from './model/ui-state.js';

export interface Peek {
  readonly steps: StepRow[];
  readonly backend?: string;
}

export function peekState(stateDir: string): Peek {
  let data: {backend?: unknown; steps?: Record<string, {status?: unknown}>} = {};
  try {
    data = JSON.parse(readFileSync(path.join(stateDir, 'state.json'), 'utf8')) ?? {};
  } catch {
    // No state yet, or one the flow will report on.
  }
  const status = (id: string): StepStatus => {
    const value = data.steps?.[id]?.status;
    return (STEP_STATUSES as readonly unknown[]).includes(value) ? (value as StepStatus) : 'pending';
  };
  const backend = data.backend === 'local' || data.backend === 'aws' ? data.backend : undefined;
  return {steps: STEP_IDS.map((id) => ({id, status: status(id)})), backend};
}
