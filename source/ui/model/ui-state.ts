/**
 * What the Ink wizard shows, as one plain value. The reducer (reducer.ts) is the only thing that changes
 * it; the panes are pure views of it. Runner events, the flow and key presses all arrive as actions.
 */
import type {State, StepId, StepStatus} from '../../state/schema.js';
import type {RunnerEvent, StepInfo} from '../../wizard/events.js';
import type {ConfirmQuestion, SelectQuestion, TextQuestion} from '../../wizard/prompter.js';
import type {CompletionModel} from './completion.js';

/** 'next': the walkthrough is complete and the next-actions menu is open. */
export type Phase = 'starting' | 'resume' | 'questions' | 'running' | 'paused' | 'failed' | 'complete' | 'quitting' | 'stopped' | 'next';

export type DetailPane = 'activity' | 'resources' | 'gateway';
export const DETAIL_PANES: readonly DetailPane[] = ['activity', 'resources', 'gateway'];

export interface StepRow {
  readonly id: StepId;
  /** "A1" … "B4"; unknown until the plan is loaded. */
  readonly number?: string;
  readonly title?: string;
  readonly why?: string;
  readonly status: StepStatus;
  /** Epoch ms when the running step started (for the elapsed time). */
  readonly startedAt?: number;
  readonly durationMs?: number;
  readonly error?: string;
  /** Done without creating anything: it all existed already. */
  readonly reused?: boolean;
}

export interface ActivityLine {
  readonly seq: number;
  readonly at: number;
  readonly stepId?: StepId;
  readonly level: 'info' | 'warn' | 'error' | 'call' | 'wait';
  readonly text: string;
  readonly durationMs?: number;
}

export interface GatewayLine {
  readonly seq: number;
  readonly at: number;
  readonly path: string;
  readonly status: number;
  readonly accepted: boolean;
  readonly subject?: string;
  readonly reason?: string;
}

export interface CheckLine {
  readonly name: string;
  readonly expected: number;
  readonly httpStatus: number;
  readonly ok: boolean;
  readonly reason?: string;
}

/** A finished step, written once above the live panes (Ink's <Static>). */
export interface HistoryItem {
  readonly key: string;
  readonly number?: string;
  readonly title: string;
  readonly status: StepStatus;
  readonly durationMs?: number;
  readonly reused?: boolean;
  readonly detail?: string;
}

export type PromptRequest =
  | {readonly kind: 'text'; readonly question: TextQuestion}
  | {readonly kind: 'select'; readonly question: SelectQuestion<string>}
  | {readonly kind: 'confirm'; readonly question: ConfirmQuestion};

export interface UiState {
  readonly phase: Phase;
  readonly stateDir: string;
  readonly backend?: string;
  readonly steps: readonly StepRow[];
  /** The step the Current step pane shows. */
  readonly currentId?: StepId;
  readonly outputs: Readonly<Partial<Record<StepId, Readonly<Record<string, string>>>>>;
  readonly checks: Readonly<Partial<Record<StepId, readonly CheckLine[]>>>;
  readonly activity: readonly ActivityLine[];
  readonly gateway: readonly GatewayLine[];
  readonly history: readonly HistoryItem[];
  /** The stored state as last seen: the Resources pane is drawn from it. */
  readonly snapshot?: State;
  /** The question on screen; seq changes with every new question (the field resets). */
  readonly prompt?: PromptRequest & {readonly seq: number};
  readonly failure?: {readonly stepId?: StepId; readonly message: string};
  readonly notice?: string;
  readonly completion?: CompletionModel;
  readonly showHelp: boolean;
  readonly detailPane: DetailPane;
  readonly seq: number;
}

export type UiAction =
  | {readonly type: 'event'; readonly event: RunnerEvent; readonly at: number}
  | {readonly type: 'plan'; readonly steps: readonly StepInfo[]; readonly stateDir: string; readonly backend?: string}
  | {readonly type: 'snapshot'; readonly state: State}
  | {readonly type: 'phase'; readonly phase: Phase; readonly notice?: string}
  | {readonly type: 'prompt'; readonly prompt?: PromptRequest}
  | {readonly type: 'failure'; readonly stepId?: StepId; readonly message: string}
  | {readonly type: 'complete'; readonly completion: CompletionModel}
  | {readonly type: 'toggle-help'}
  | {readonly type: 'cycle-pane'};

/** Bounds of the tails kept in memory (the panes show fewer when the terminal is short). */
export const ACTIVITY_LIMIT = 200;
export const GATEWAY_LIMIT = 50;

export function initialUiState(o: {stateDir: string; steps: readonly StepRow[]; backend?: string}): UiState {
  return {
    phase: 'starting',
    stateDir: o.stateDir,
    backend: o.backend,
    steps: o.steps,
    outputs: {},
    checks: {},
    activity: [],
    gateway: [],
    history: [],
    showHelp: false,
    detailPane: 'activity',
    seq: 0,
  };
}
