/** The ordered plan, and "where am I" derived from the stored step statuses (never a separate cursor). */
import type {State, StepId} from '../state/schema.js';
import {ALL_STEP_IDS} from '../state/constants.js';
import type {StepInfo} from './events.js';
import type {Step} from './step.js';
import {apiStep, customDomainStep} from './steps/api-steps.js';
import {intermediateCaStep, rootCaStep, secondChainStep} from './steps/ca-steps.js';
import {clientCert2Step, clientCertStep} from './steps/client-steps.js';
import {connect2Step, connectStep} from './steps/connect-steps.js';
import {lessonDuplicateStep, lessonIntermediateOnlyStep} from './steps/lesson-steps.js';
import {mtlsStep, truststoreUpdateStep} from './steps/truststore-steps.js';

export const PLAN: readonly Step[] = [
  rootCaStep,
  intermediateCaStep,
  apiStep,
  customDomainStep,
  mtlsStep,
  clientCertStep,
  connectStep,
  secondChainStep,
  truststoreUpdateStep,
  clientCert2Step,
  connect2Step,
];

/** With --lessons, the article's two failures come as steps of their own, each just before its fix. */
const LESSON_PLAN: readonly Step[] = PLAN.flatMap((step) =>
  step.id === 'connect' ? [lessonIntermediateOnlyStep, step] : step.id === 'truststore-update' ? [lessonDuplicateStep, step] : [step],
);

export function planFor(state: State | undefined): readonly Step[] {
  return state?.inputs.lessons ? LESSON_PLAN : PLAN;
}

export function isStepId(value: string): value is StepId {
  return (ALL_STEP_IDS as readonly string[]).includes(value);
}

const finished = (state: State, id: StepId) => {
  const status = state.steps[id]?.status;
  return status === 'done' || status === 'skipped';
};

/** The first step not finished yet, or undefined when the walkthrough is complete. */
export function nextStep(state: State): Step | undefined {
  return planFor(state).find((step) => !finished(state, step.id));
}

export function stepInfos(state: State | undefined): StepInfo[] {
  return planFor(state).map((s) => ({id: s.id, part: s.part, title: s.title, why: s.why, status: state?.steps[s.id]?.status ?? 'pending'}));
}

export function hasProgress(state: State): boolean {
  return Object.values(state.steps).some((s) => s.status !== 'pending');
}
