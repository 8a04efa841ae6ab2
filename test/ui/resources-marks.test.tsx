/** The Resources pane and the completion screen mark partner CAs (external) and revoked clients. */
import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import {ResourcesPane} from '../../source/ui/components/resources-pane.js';
import {completionLines} from '../../source/ui/model/completion.js';
import {buildCompletion} from '../../source/ui/completion-build.js';
import {newState} from '../../source/state/new-state.js';
import type {State} from '../../source/state/schema.js';
import {buildInputs, defaultChoices} from '../../source/wizard/inputs.js';

function state(): State {
  const s = newState('local', buildInputs(defaultChoices()));
  const ca = (name: string, parent: string | null, external = false) => ({name, parent, pathLen: null, certificate: `cas/${name}/certificate.pem`, fingerprint: `${name}0000`, subject: `CN=${name}`, notAfter: '2030-01-01T00:00:00.000Z', ...(external ? {external: true} : {})});
  s.cas = {rootCA: ca('rootCA', null), intermediateCA0: ca('intermediateCA0', 'rootCA'), 'Partner-Root-CA': ca('Partner-Root-CA', null, true), 'Partner-Issuing-CA': ca('Partner-Issuing-CA', 'Partner-Root-CA', true)};
  // revokedAt is the client commands' field (issue 9); a state that carries it is shown as such.
  s.clients = {client1: {name: 'client1', issuer: 'intermediateCA0', dnsName: 'client1.mtls.test', certificate: 'clients/client1/certificate.pem', revokedAt: '2026-05-02T00:00:00.000Z'} as State['clients'][string]};
  return s;
}

describe('partner CAs and revoked clients', () => {
  it('the Resources pane tags them', () => {
    const {lastFrame, unmount} = render(<ResourcesPane snapshot={state()} width={90} isBordered maxLines={20} />);
    const frame = lastFrame() ?? '';
    unmount();
    expect(frame).toMatch(/✓ Partner-Root-CA partner/);
    expect(frame).toMatch(/└─ ✓ Partner-Issuing-CA partner/);
    expect(frame).not.toMatch(/rootCA partner/);
    expect(frame).toMatch(/client1 revoked/);
    expect(frame).not.toMatch(/client2 revoked/);
  });

  it('the completion screen says so too', () => {
    const text = completionLines(buildCompletion(state(), '/tmp/x')).join('\n');
    expect(text).toMatch(/Partner-Issuing-CA {2}partner CA · CN=Partner-Issuing-CA/);
    expect(text).toMatch(/client1 ← intermediateCA0 {2}\(revoked 2026-05-02; API Gateway still lets it in\)/);
  });
});
