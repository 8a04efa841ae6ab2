/** The plan's step implementations, in the order plan-info.ts gives. */
import type {State, StepId} from '../state/schema.js';
import {ALL_STEP_IDS} from '../state/constants.js';
import {nextStepId, planIds} from './plan-info.js';
import type {Step} from './step.js';
import {apiStep, customDomainStep} from './steps/api-steps.js';
import {intermediateCaStep, rootCaStep, secondChainStep} from './steps/ca-steps.js';
import {clientCert2Step, clientCertStep} from './steps/client-steps.js';
import {connect2Step, connectStep} from './steps/connect-steps.js';
import {lessonDuplicateStep, lessonIntermediateOnlyStep, lessonRevocationStep} from './steps/lesson-steps.js';
import {mtlsStep, truststoreUpdateStep} from './steps/truststore-steps.js';

export {hasProgress, stepInfos} from './plan-info.js';

const STEPS: Readonly<Record<StepId, Step>> = {
  'root-ca': rootCaStep,
  'intermediate-ca': intermediateCaStep,
  api: apiStep,
  'custom-domain': customDomainStep,
  mtls: mtlsStep,
  'client-cert': clientCertStep,
  'lesson-intermediate-only': lessonIntermediateOnlyStep,
  connect: connectStep,
  'second-chain': secondChainStep,
  'lesson-duplicate': lessonDuplicateStep,
  'truststore-update': truststoreUpdateStep,
  'client-cert-2': clientCert2Step,
  'connect-2': connect2Step,
  'lesson-revocation': lessonRevocationStep,
};

export function planFor(state: State | undefined): readonly Step[] {
  return planIds(state).map((id) => STEPS[id]);
}

export function isStepId(value: string): value is StepId {
  return (ALL_STEP_IDS as readonly string[]).includes(value);
}

/** The first step not finished yet, or undefined when the walkthrough is complete. */
export function nextStep(state: State): Step | undefined {
  const id = nextStepId(state);
  return id ? STEPS[id] : undefined;
}
