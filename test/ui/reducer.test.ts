import {describe, expect, it} from 'vitest';
import {numberSteps, reduce} from '../../source/ui/model/reducer.js';
import {ACTIVITY_LIMIT, GATEWAY_LIMIT, type UiAction, type UiState, initialUiState} from '../../source/ui/model/ui-state.js';
import type {RunnerEvent} from '../../source/wizard/events.js';
import {stepInfos} from '../../source/wizard/plan.js';

const start = () => reduce(initialUiState({stateDir: '/s', steps: []}), {type: 'plan', steps: stepInfos(undefined), stateDir: '/s', backend: 'local'});
const apply = (state: UiState, ...events: RunnerEvent[]) => events.reduce((s, event) => reduce(s, {type: 'event', event, at: 1000}), state);

describe('the wizard state reducer', () => {
  it('numbers the steps as the article does: A1…A7, then B1…B4', () => {
    expect(numberSteps(stepInfos(undefined)).map((s) => s.number)).toEqual(['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'B1', 'B2', 'B3', 'B4']);
  });

  it('tracks a step from running to done, and writes it to the history once', () => {
    let s = apply(start(), {type: 'step-started', stepId: 'api', title: 't', why: 'w', at: 500});
    expect(s.steps.find((x) => x.id === 'api')).toMatchObject({status: 'running', startedAt: 500});
    expect(s.currentId).toBe('api');
    s = apply(s, {type: 'output', stepId: 'api', key: 'API id', value: 'abc'}, {type: 'step-done', stepId: 'api', durationMs: 12, outputs: {method: 'GET /x'}, reused: true});
    expect(s.steps.find((x) => x.id === 'api')).toMatchObject({status: 'done', durationMs: 12, reused: true});
    expect(s.outputs['api']).toEqual({'API id': 'abc', method: 'GET /x'});
    expect(s.history).toEqual([expect.objectContaining({number: 'A3', title: 'Create the REST API', status: 'done', detail: '12 ms · reused what exists'})]);
  });

  it('a poll that answered "not ready yet" is a wait line, not a red failed call', () => {
    const s = apply(
      start(),
      {type: 'call', stepId: 'root-ca', name: 'GetCertificateAuthorityCsr', detail: 'the CSR of rootCA', durationMs: 40, ok: true, notReady: true},
      {type: 'call', stepId: 'root-ca', name: 'GetCertificateAuthorityCsr', detail: 'the CSR of rootCA', durationMs: 40, ok: true},
      {type: 'call', stepId: 'root-ca', name: 'IssueCertificate', durationMs: 40, ok: false},
    );
    expect(s.activity.map((a) => [a.level, a.text])).toEqual([
      ['wait', 'GetCertificateAuthorityCsr (the CSR of rootCA): not ready yet'],
      ['call', 'GetCertificateAuthorityCsr (the CSR of rootCA)'],
      ['error', 'IssueCertificate failed'],
    ]);
  });

  it('keeps bounded tails of activity and gateway requests', () => {
    let s = start();
    for (let i = 0; i < ACTIVITY_LIMIT + 25; i++) s = apply(s, {type: 'log', level: 'info', message: `line ${i}`});
    for (let i = 0; i < GATEWAY_LIMIT + 5; i++) s = apply(s, {type: 'gateway-request', at: i, path: '/p', status: 200, accepted: true, subject: `CN=c${i}`});
    expect(s.activity).toHaveLength(ACTIVITY_LIMIT);
    expect(s.activity.at(-1)!.text).toBe(`line ${ACTIVITY_LIMIT + 24}`);
    expect(s.gateway).toHaveLength(GATEWAY_LIMIT);
    expect(s.gateway.at(-1)!.subject).toBe(`CN=c${GATEWAY_LIMIT + 4}`);
  });

  it('a failure shows the step and its message; once quitting, late events never leave the quitting screen', () => {
    let s = apply(start(), {type: 'step-started', stepId: 'mtls', title: 't', why: 'w', at: 1}, {type: 'step-failed', stepId: 'mtls', message: 'boom'});
    expect(s.phase).toBe('failed');
    expect(s.failure).toEqual({stepId: 'mtls', message: 'boom'});
    s = reduce(s, {type: 'phase', phase: 'quitting', notice: 'bye'});
    s = apply(s, {type: 'step-started', stepId: 'mtls', title: 't', why: 'w', at: 2});
    expect(s.phase).toBe('quitting');
    expect(s.notice).toBe('bye');
  });

  it('returns the same state when nothing changes (no re-render)', () => {
    const s = start();
    const same: UiAction[] = [{type: 'prompt'}, {type: 'event', event: {type: 'run-finished', ok: true}, at: 0}];
    for (const action of same) expect(reduce(s, action)).toBe(s);
  });
});
