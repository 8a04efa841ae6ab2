/** The pure reducer of the Ink wizard: (UiState, UiAction) → UiState. Returns the same object when nothing changes. */
import type {StepId} from '../../state/schema.js';
import type {RunnerEvent, StepInfo} from '../../wizard/events.js';
import {duration} from '../format.js';
import {ACTIVITY_LIMIT, DETAIL_PANES, GATEWAY_LIMIT, type ActivityLine, type StepRow, type UiAction, type UiState} from './ui-state.js';

/** A1…A7, B1…B4: the step's number within its part, as the article counts. */
export function numberSteps(steps: readonly StepInfo[]): StepRow[] {
  const counters = new Map<string, number>();
  return steps.map((s) => {
    const n = (counters.get(s.part) ?? 0) + 1;
    counters.set(s.part, n);
    return {id: s.id, number: `${s.part}${n}`, title: s.title, why: s.why, status: s.status};
  });
}

/** Rows from the plan (stored statuses); a row keeps its live timing when its status did not change. */
function mergePlan(current: readonly StepRow[], steps: readonly StepInfo[]): StepRow[] {
  return numberSteps(steps).map((row) => {
    const before = current.find((s) => s.id === row.id);
    return before && before.status === row.status ? {...before, ...row} : row;
  });
}

const updateStep = (steps: readonly StepRow[], id: StepId, change: Partial<StepRow>): StepRow[] =>
  steps.map((s) => (s.id === id ? {...s, ...change} : s));

function withActivity(state: UiState, line: Omit<ActivityLine, 'seq'>): UiState {
  const seq = state.seq + 1;
  const activity = [...state.activity, {...line, seq}].slice(-ACTIVITY_LIMIT);
  return {...state, seq, activity};
}

function onEvent(state: UiState, event: RunnerEvent, at: number): UiState {
  switch (event.type) {
    case 'run-started':
      return {...state, phase: 'running', stateDir: event.stateDir, backend: event.backend, steps: mergePlan(state.steps, event.steps), failure: undefined, notice: undefined};
    case 'step-started':
      return {
        ...state,
        phase: 'running',
        currentId: event.stepId,
        failure: undefined,
        steps: updateStep(state.steps, event.stepId, {status: 'running', startedAt: event.at, error: undefined, durationMs: undefined}),
        outputs: {...state.outputs, [event.stepId]: {}},
        checks: {...state.checks, [event.stepId]: []},
      };
    case 'log':
      return withActivity(state, {at, stepId: event.stepId, level: event.level, text: event.message});
    case 'call':
      if (event.notReady) return withActivity(state, {at, stepId: event.stepId, level: 'wait', text: `${event.name}${event.detail ? ` (${event.detail})` : ''}: not ready yet`, durationMs: event.durationMs});
      return withActivity(state, {at, stepId: event.stepId, level: event.ok ? 'call' : 'error', text: `${event.name}${event.detail ? ` (${event.detail})` : ''}${event.ok ? '' : ' failed'}`, durationMs: event.durationMs});
    case 'waiting':
      return withActivity(state, {at, stepId: event.stepId, level: 'wait', text: event.message});
    case 'needs-input':
      return withActivity(state, {at, stepId: event.stepId, level: 'wait', text: `waiting for an answer: ${event.question}`});
    case 'output':
      return {...state, outputs: {...state.outputs, [event.stepId]: {...state.outputs[event.stepId], [event.key]: event.value}}};
    case 'check': {
      const line = {name: event.name, expected: event.expected, httpStatus: event.httpStatus, ok: event.ok, reason: event.reason};
      return {...state, checks: {...state.checks, [event.stepId]: [...(state.checks[event.stepId] ?? []), line]}};
    }
    case 'gateway-request': {
      const seq = state.seq + 1;
      const {at: when, path, status, accepted, subject, reason} = event;
      return {...state, seq, gateway: [...state.gateway, {seq, at: when, path, status, accepted, subject, reason}].slice(-GATEWAY_LIMIT)};
    }
    case 'step-done':
    case 'step-skipped': {
      const done = event.type === 'step-done';
      const row = state.steps.find((s) => s.id === event.stepId);
      const steps = updateStep(state.steps, event.stepId, done ? {status: 'done', durationMs: event.durationMs, reused: event.reused} : {status: 'skipped'});
      const detail = done ? `${duration(event.durationMs)}${event.reused ? ' · reused what exists' : ''}` : event.reason;
      const item = {key: `${event.stepId}-${state.seq + 1}`, number: row?.number, title: row?.title ?? event.stepId, status: done ? ('done' as const) : ('skipped' as const), detail};
      const outputs = done ? {...state.outputs, [event.stepId]: {...state.outputs[event.stepId], ...event.outputs}} : state.outputs;
      return {...state, seq: state.seq + 1, steps, outputs, history: [...state.history, item]};
    }
    case 'step-failed':
      return {...state, phase: 'failed', currentId: event.stepId, failure: {stepId: event.stepId, message: event.message}, steps: updateStep(state.steps, event.stepId, {status: 'failed', error: event.message})};
    case 'run-finished':
      // The flow decides what comes next (pause, completion, retry offer).
      return state;
  }
}

export function reduce(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'event': {
      const next = onEvent(state, action.event, action.at);
      // Once the person quits, late events still update the panes but never leave the quitting screen.
      return state.phase === 'quitting' && next.phase !== 'quitting' ? {...next, phase: 'quitting'} : next;
    }
    case 'plan':
      return {...state, stateDir: action.stateDir, backend: action.backend ?? state.backend, steps: mergePlan(state.steps, action.steps)};
    case 'snapshot':
      return state.snapshot === action.state ? state : {...state, snapshot: action.state};
    case 'phase':
      if (action.phase === 'paused' || action.phase === 'questions' || action.phase === 'resume' || action.phase === 'next') return {...state, phase: action.phase, notice: action.notice};
      return {...state, phase: action.phase, notice: action.notice ?? state.notice};
    case 'prompt':
      if (!action.prompt) return state.prompt ? {...state, prompt: undefined} : state;
      return {...state, seq: state.seq + 1, prompt: {...action.prompt, seq: state.seq + 1}};
    case 'failure':
      return {...state, phase: 'failed', failure: {stepId: action.stepId, message: action.message}};
    case 'complete':
      return {...state, phase: 'complete', completion: action.completion, prompt: undefined};
    case 'toggle-help':
      return {...state, showHelp: !state.showHelp};
    case 'cycle-pane': {
      const next = DETAIL_PANES[(DETAIL_PANES.indexOf(state.detailPane) + 1) % DETAIL_PANES.length]!;
      return {...state, detailPane: next};
    }
  }
}
