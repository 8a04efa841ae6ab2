/**
 * The wizard's next actions after a complete walkthrough (issue 9 item 9): the menu offers only what can act,
 * "Add a partner CA" validates the file with the same rules as `truststore add` and adds the partner's
 * openssl-made chain, "Retire a CA" names every CA it removes before it asks. Driven twice: through a
 * scripted Prompter (the --plain and headless port) and through the real Ink screen with keys.
 */
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {cleanup, render} from 'ink-testing-library';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {NEXT_ACTIONS, offerNextActions} from '../../source/app/next-actions.js';
import {LocalBackend} from '../../source/backends/local/index.js';
import {trustedCas} from '../../source/lifecycle/trust.js';
import {StateStore} from '../../source/state/store.js';
import {App} from '../../source/ui/components/app.js';
import {InkView} from '../../source/ui/ink-view.js';
import {initialUiState} from '../../source/ui/model/ui-state.js';
import {createUiStore} from '../../source/ui/store.js';
import {EventBus} from '../../source/wizard/events.js';
import {Session} from '../../source/wizard/session.js';
import {type PartnerPki, makePartnerPki} from '../local/openssl-fixtures.js';
import {type Walkthrough, realWalkthrough} from '../ui/fixtures.js';
import {KEY, press, type, waitFor, waitForFrame} from '../ui/helpers.js';
import {ENTER, ScriptedPrompter} from '../ui/scripted-prompter.js';

let partner: PartnerPki;
let pkiDir: string;
const walkthroughs: Walkthrough[] = [];
beforeAll(async () => {
  pkiDir = await mkdtemp(path.join(os.tmpdir(), 'mtls-next-pki-'));
  partner = await makePartnerPki(pkiDir);
});
afterEach(() => cleanup());
afterAll(async () => {
  for (const w of walkthroughs) await w.remove();
  await rm(pkiDir, {recursive: true, force: true});
});

async function sessionOn(dir: string) {
  const store = new StateStore(dir);
  const state = (await store.load())!;
  return new Session({store, state, bus: new EventBus()});
}

describe('next actions through the Prompter port', () => {
  it('adds a partner chain after refusing a client certificate, then retires it with a confirmation naming both CAs', async () => {
    const w = await realWalkthrough();
    walkthroughs.push(w);
    const session = await sessionOn(w.dir);
    const notices: string[] = [];
    const prompter = new ScriptedPrompter({
      'next-action': ['add-partner-ca', 'retire-ca', ENTER],
      'partner-chain-file': [path.join(pkiDir, 'nothing-here.pem'), partner.client.cert, partner.chainFile],
      'retire-ca': ['Partner-Root-CA'],
      'retire-ca-confirm': [true],
    });
    let question = '';
    const confirm = prompter.confirm.bind(prompter);
    prompter.confirm = async (q) => {
      if (q.id === 'retire-ca-confirm') question = q.message;
      return confirm(q);
    };
    await offerNextActions({session, backend: new LocalBackend(), prompter}, (n) => notices.push(n));

    expect(prompter.asked).toEqual(['next-action', 'partner-chain-file', 'partner-chain-file', 'partner-chain-file', 'partner-chain-confirm', 'next-action', 'retire-ca', 'retire-ca-confirm', 'next-action']);
    expect(prompter.refused.map((r) => r.rule)).toEqual([
      'must name a readable file (no such file)',
      expect.stringMatching(/^was refused: O=Partner Inc, CN=partner-client is not a CA certificate/),
    ]);
    expect(question).toBe('Remove Partner-Root-CA and every CA below it (Partner-Issuing-CA) from the truststore (4 certificates stay)?');
    expect(notices[0]).toMatch(/^Added Partner-Root-CA, Partner-Issuing-CA; truststore version \S+ pinned\.$/);
    expect(notices[1]).toMatch(/^Removed Partner-Root-CA, Partner-Issuing-CA; truststore version \S+ pinned\.$/);

    // The same records and versions as the commands make: external CAs, one version per change, pinned.
    const state = (await new StateStore(w.dir).load())!;
    expect(state.cas['Partner-Issuing-CA']).toMatchObject({external: true, parent: 'Partner-Root-CA'});
    expect(state.truststore!.versions).toHaveLength(4);
    expect(state.truststore!.pinnedVersion).toBe(state.truststore!.versions[3]!.versionId);
    expect(trustedCas(state).has('Partner-Issuing-CA')).toBe(false);
    expect([...trustedCas(state)].sort()).toEqual(['intermediateCA0', 'intermediateCA1', 'intermediateCA2', 'rootCA']);
  }, 60_000);

  it('offers only actions that can act: before a truststore is pinned the menu is not shown at all', async () => {
    const w = await realWalkthrough('client-cert');
    walkthroughs.push(w);
    const session = await sessionOn(w.dir);
    expect(NEXT_ACTIONS.filter((a) => a.applies(session.state())).map((a) => a.id)).toEqual(['add-partner-ca', 'retire-ca']);
    await session.update((d) => {
      delete d.truststore!.pinnedVersion;
    });
    const prompter = new ScriptedPrompter();
    await offerNextActions({session, backend: new LocalBackend(), prompter}, () => undefined);
    expect(prompter.asked).toEqual([]);
  }, 60_000);

  it('refuses to retire the last CA and says what to do instead; nothing changes', async () => {
    const w = await realWalkthrough('client-cert');
    walkthroughs.push(w);
    const session = await sessionOn(w.dir);
    const before = await readFile(path.join(w.dir, 'state.json'), 'utf8');
    const notices: string[] = [];
    const prompter = new ScriptedPrompter({'next-action': ['retire-ca', ENTER], 'retire-ca': ['rootCA']});
    await offerNextActions({session, backend: new LocalBackend(), prompter}, (n) => notices.push(n));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^✗ cannot remove rootCA from the truststore: it would remove the last CA \(with intermediateCA0 below it\).*Fix: to stop everything, run `mtls-wizard teardown`/);
    expect(await readFile(path.join(w.dir, 'state.json'), 'utf8')).toBe(before);
  }, 60_000);
});

describe('next actions on the Ink screen', () => {
  it('shows the menu, takes a typed file path, and the Resources pane marks the partner CAs', async () => {
    const w = await realWalkthrough();
    walkthroughs.push(w);
    const session = await sessionOn(w.dir);
    const store = createUiStore(initialUiState({stateDir: w.dir, steps: []}));
    const view = new InkView(store, new AbortController(), () => undefined);
    const instance = render(<App store={store} onCommand={(c) => view.command(c)} onAnswer={(v) => view.prompter.answer(v)} size={{columns: 140, rows: 60}} />);
    session.bus.on(() => view.state(session.state()));
    view.state(session.state());
    view.phase('next');
    let finished = false;
    void offerNextActions({session, backend: new LocalBackend(), prompter: view.prompter}, (n) => view.phase('next', n)).then(() => (finished = true));

    let frame = await waitForFrame(instance, 'What next?');
    expect(frame).toContain('All steps done');
    expect(frame).toContain('Add a partner CA');
    expect(frame).toContain('Retire a CA');
    expect(frame).toContain('Quit');
    // Quit is the proposal; the partner CA is the first entry.
    await press(instance, KEY.up);
    await press(instance, KEY.up);
    await press(instance, KEY.enter, 'PEM file with the partner');
    await type(instance, partner.chainFile);
    await press(instance, KEY.enter, 'Add Partner-Root-CA, Partner-Issuing-CA to the truststore');
    frame = await press(instance, KEY.enter, (f) => f.includes('Added Partner-Root-CA'));
    frame = await waitForFrame(instance, (f) => f.includes('What next?') && f.includes('partner'));
    expect(frame).toMatch(/Partner-Root-CA partner/);
    expect(frame).toMatch(/Partner-Issuing-CA partner/);
    await press(instance, KEY.enter);
    await waitFor(() => finished);
  }, 60_000);
});
