/**
 * The wizard's next actions after a complete walkthrough (issue 9 item 9): the menu offers only what can act,
 * "Add a partner CA" validates the file with the same rules as `truststore add` and adds the partner's
 * openssl-made chain, "Retire a CA" names every CA it removes before it asks; "Add/Renew/Revoke a client" run
 * lifecycle/clients.ts on a real local walkthrough, checked with openssl (serials, chain, CRL). Driven twice:
 * through a scripted Prompter (the --plain and headless port) and through the real Ink screen with keys.
 */
import {mkdtemp, readFile, rm, stat} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {cleanup, render} from 'ink-testing-library';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {NEXT_ACTIONS, offerNextActions} from '../../source/app/next-actions.js';
import {LocalBackend} from '../../source/backends/local/index.js';
import {listClients} from '../../source/lifecycle/clients.js';
import {trustedCas} from '../../source/lifecycle/trust.js';
import {StateStore} from '../../source/state/store.js';
import {App} from '../../source/ui/components/app.js';
import {InkView} from '../../source/ui/ink-view.js';
import {initialUiState} from '../../source/ui/model/ui-state.js';
import {createUiStore} from '../../source/ui/store.js';
import {EventBus} from '../../source/wizard/events.js';
import type {Prompter} from '../../source/wizard/prompter.js';
import {PassphraseSource} from '../../source/wizard/secrets.js';
import {Session} from '../../source/wizard/session.js';
import {type PartnerPki, makePartnerPki, openssl} from '../local/openssl-fixtures.js';
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

/** What the wizard's flow hands the menu: the walkthrough's backend, prompter and passphrase source. */
const contextFor = (session: Session, prompter: Prompter) => ({session, backend: new LocalBackend(), prompter, secrets: new PassphraseSource({env: {}, prompter})});

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
    await offerNextActions(contextFor(session, prompter), (n) => notices.push(n));

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
    expect(NEXT_ACTIONS.filter((a) => a.applies(session.state())).map((a) => a.id)).toEqual(['add-client', 'renew-client', 'revoke-client', 'add-partner-ca', 'retire-ca']);
    await session.update((d) => {
      delete d.truststore!.pinnedVersion;
    });
    const prompter = new ScriptedPrompter();
    await offerNextActions(contextFor(session, prompter), () => undefined);
    expect(prompter.asked).toEqual([]);
  }, 60_000);

  it('refuses to retire the last CA and says what to do instead; nothing changes', async () => {
    const w = await realWalkthrough('client-cert');
    walkthroughs.push(w);
    const session = await sessionOn(w.dir);
    const before = await readFile(path.join(w.dir, 'state.json'), 'utf8');
    const notices: string[] = [];
    const prompter = new ScriptedPrompter({'next-action': ['retire-ca', ENTER], 'retire-ca': ['rootCA']});
    await offerNextActions(contextFor(session, prompter), (n) => notices.push(n));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^✗ cannot remove rootCA from the truststore: it would remove the last CA \(with intermediateCA0 below it\).*Fix: to stop everything, run `mtls-wizard teardown`/);
    expect(await readFile(path.join(w.dir, 'state.json'), 'utf8')).toBe(before);
  }, 60_000);
});

/** Records what each select offered and the help it gave, then answers as the script says. */
function recordingSelects(prompter: ScriptedPrompter) {
  const offered = new Map<string, {values: string[]; help?: string}>();
  const select = prompter.select.bind(prompter);
  prompter.select = async (q) => {
    offered.set(q.id, {values: q.choices.map((c) => c.value), ...(q.help ? {help: q.help} : {})});
    return select(q);
  };
  return offered;
}

const certSerial = async (file: string) => (await openssl(['x509', '-in', file, '-noout', '-serial'], path.dirname(file))).trim().replace(/^serial=/, '').toLowerCase();

describe('client actions through the Prompter port', () => {
  it('adds a client: refuses a malformed and a taken name and bad days in place, then issues from the proposed issuer with a generated 0600 passphrase', async () => {
    const w = await realWalkthrough();
    walkthroughs.push(w);
    const session = await sessionOn(w.dir);
    const before = session.state();
    const taken = Object.keys(before.clients)[0]!;
    const lastIssuer = Object.values(before.clients).filter((c) => c.certificate).at(-1)!.issuer;
    const notices: string[] = [];
    const prompter = new ScriptedPrompter({
      'next-action': ['add-client', ENTER],
      'client-name': ['bad name!', taken, ENTER],
      'client-issuer': [ENTER],
      'client-validity-days': ['0', 'thirty', '30'],
    });
    const offered = recordingSelects(prompter);
    await offerNextActions(contextFor(session, prompter), (n) => notices.push(n));

    expect(offered.get('next-action')!.values).toEqual(['add-client', 'renew-client', 'revoke-client', 'add-partner-ca', 'retire-ca', 'quit']);
    expect(prompter.refused).toEqual([
      {id: 'client-name', answer: 'bad name!', rule: 'was refused: a client name must start with a letter or digit and hold only letters, digits, "-" and "_"'},
      {id: 'client-name', answer: taken, rule: `was refused: the name ${taken} is already taken by a client or CA of this walkthrough`},
      {id: 'client-validity-days', answer: '0', rule: 'must be at least 1 day'},
      {id: 'client-validity-days', answer: 'thirty', rule: 'must be a whole number of days'},
    ]);
    const after = (await new StateStore(w.dir).load())!;
    const added = Object.keys(after.clients).filter((n) => !(n in before.clients));
    expect(added).toHaveLength(1);
    const name = added[0]!;
    expect(name).toMatch(/^client\d+$/);
    expect(prompter.asked).toEqual(['next-action', 'client-name', 'client-name', 'client-name', 'client-issuer', 'client-validity-days', 'client-validity-days', 'client-validity-days', `passphrase-${name}`, 'next-action']);
    const record = after.clients[name]!;
    // The command's default issuer: the one of the client added last.
    expect(record.issuer).toBe(lastIssuer);
    // notBefore is set a few minutes back (clock skew); the length is the 30 days asked for.
    expect(Math.round((Date.parse(record.notAfter!) - Date.parse(record.notBefore!)) / 86_400_000)).toBe(30);
    const cert = path.join(w.dir, record.certificate!);
    expect(await certSerial(cert)).toBe(record.serial!.toLowerCase());
    // openssl, independently: the certificate chains to the issuer's chain file.
    const chain = path.join(w.dir, after.cas[lastIssuer]!.chain ?? after.cas[lastIssuer]!.certificate!);
    expect(await openssl(['verify', '-partial_chain', '-CAfile', chain, cert], w.dir)).toContain(': OK');
    for (const file of [record.key!, ...Object.values(record.p12!)]) await stat(path.join(w.dir, file));
    expect((await stat(path.join(w.dir, record.passphraseFile!))).mode & 0o777).toBe(0o600);
    expect(JSON.stringify(after)).not.toContain((await readFile(path.join(w.dir, record.passphraseFile!), 'utf8')).trim());
    expect(notices).toEqual([
      `Added ${name} from ${lastIssuer} (serial ${record.serial}, until ${record.notAfter!.slice(0, 10)}). In ${w.dir}: certificate ${record.certificate}, key (encrypted) ${record.key}, PKCS#12 ${record.p12!.modern} (compatible: ${record.p12!.compatible}), passphrase (generated, 0600) ${record.passphraseFile}.`,
    ]);
  }, 90_000);

  it('does not offer an issuer whose chain left the truststore, and says why', async () => {
    const w = await realWalkthrough();
    walkthroughs.push(w);
    const session = await sessionOn(w.dir);
    const prompter = new ScriptedPrompter({
      'next-action': ['retire-ca', 'add-client', ENTER],
      'retire-ca': ['intermediateCA2'],
      'retire-ca-confirm': [true],
      'client-issuer': ['__back'],
    });
    const offered = recordingSelects(prompter);
    await offerNextActions(contextFor(session, prompter), () => undefined);
    const issuers = offered.get('client-issuer')!;
    expect(issuers.values).not.toContain('intermediateCA2');
    expect(issuers.values).toContain('intermediateCA1');
    expect(issuers.help).toContain('Not offered: intermediateCA2 (the chain of intermediateCA2 up to its root is not in the pinned truststore, so such a client could never connect (403))');
    expect(Object.keys((await new StateStore(w.dir).load())!.clients)).toEqual(Object.keys(session.state().clients));
  }, 90_000);

  it('renews a client (new serial, old files in previous/), then revokes it with a reason: revokedAt set, the CRL lists the serial, the line says API Gateway does not check', async () => {
    const w = await realWalkthrough();
    walkthroughs.push(w);
    const session = await sessionOn(w.dir);
    const name = listClients(session.state()).find((c) => c.status === 'ACTIVE')!.name;
    const old = session.state().clients[name]!;
    const notices: string[] = [];
    const prompter = new ScriptedPrompter({
      'next-action': ['renew-client', 'renew-client', 'revoke-client', 'revoke-client', ENTER],
      'renew-client': [name, name],
      'renew-client-confirm': [false, true],
      'revoke-client': [name, name],
      'revoke-reason': ['keyCompromise', 'keyCompromise'],
      'revoke-client-confirm': [false, true],
    });
    const offered = recordingSelects(prompter);
    await offerNextActions(contextFor(session, prompter), (n) => notices.push(n));

    const state = (await new StateStore(w.dir).load())!;
    const renewed = state.clients[name]!;
    expect(renewed.serial).not.toBe(old.serial);
    expect(await certSerial(path.join(w.dir, renewed.certificate!))).toBe(renewed.serial!.toLowerCase());
    expect(await certSerial(path.join(w.dir, 'clients', name, 'previous', path.basename(old.certificate!)))).toBe(old.serial!.toLowerCase());
    expect(renewed.revokedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(renewed.revocationReason).toBe('keyCompromise');
    const crl = path.join(w.dir, state.cas[renewed.issuer]!.crl!);
    const listed = (await openssl(['crl', '-in', crl, '-noout', '-text'], w.dir)).replace(/:/g, '').toLowerCase();
    expect(listed).toContain(`serial number ${renewed.serial!.toLowerCase()}`);
    expect(listed).toContain(`serial number ${old.serial!.toLowerCase()}`);
    expect(listed).toContain('key compromise');

    expect(notices).toEqual([
      'Nothing changed.',
      `Renewed ${name}: serial ${old.serial} \u2192 ${renewed.serial} (until ${renewed.notAfter!.slice(0, 10)}). The old files are in ${path.join(w.dir, 'clients', name, 'previous')}/; the old certificate is now revoked as superseded.`,
      'Nothing changed.',
      expect.stringMatching(new RegExp(`^Revoked ${name} \\(serial ${renewed.serial}, keyCompromise\\)\\. CRL of ${renewed.issuer}: ${crl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\. API Gateway checks no CRL and no OCSP: this certificate keeps working until it expires`)),
    ]);
    expect(notices[3]).toContain('connect --check-revocation` (403)');
    expect(notices[3]).toContain('`gateway --check-revocation`');
    // Before, the client was offered for revocation; once revoked, it is not.
    expect(offered.get('revoke-client')!.values).toContain(name);
    const again = new ScriptedPrompter({'next-action': ['revoke-client', ENTER], 'revoke-client': ['__back']});
    const offeredAgain = recordingSelects(again);
    await offerNextActions(contextFor(session, again), () => undefined);
    expect(offeredAgain.get('revoke-client')!.values).not.toContain(name);
  }, 90_000);
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
    void offerNextActions(contextFor(session, view.prompter), (n) => view.phase('next', n)).then(() => (finished = true));

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

  it('adds a client with the proposals (Enter throughout), then revokes it with y: the result lines name the files and say API Gateway does not check', async () => {
    const w = await realWalkthrough();
    walkthroughs.push(w);
    const session = await sessionOn(w.dir);
    const before = Object.keys(session.state().clients);
    const store = createUiStore(initialUiState({stateDir: w.dir, steps: []}));
    const view = new InkView(store, new AbortController(), () => undefined);
    const instance = render(<App store={store} onCommand={(c) => view.command(c)} onAnswer={(v) => view.prompter.answer(v)} size={{columns: 140, rows: 60}} />);
    session.bus.on(() => view.state(session.state()));
    view.state(session.state());
    view.phase('next');
    let finished = false;
    void offerNextActions(contextFor(session, view.prompter), (n) => view.phase('next', n)).then(() => (finished = true));

    let frame = await waitForFrame(instance, 'What next?');
    expect(frame).toContain('Add a client');
    expect(frame).toContain('Renew a client');
    expect(frame).toContain('Revoke a client');
    // Quit is the proposal; Add a client is five entries up.
    for (let i = 0; i < 5; i++) await press(instance, KEY.up);
    await press(instance, KEY.enter, 'Name of the new client');
    await press(instance, KEY.enter, (f) => f.includes('Which CA issues'));
    await press(instance, KEY.enter, 'in days');
    await press(instance, KEY.enter, 'Passphrase for the private key of');
    frame = await press(instance, KEY.enter, (f) => f.includes('What next?') && f.includes('Added client'));
    const name = Object.keys(session.state().clients).find((n) => !before.includes(n))!;
    const record = session.state().clients[name]!;
    expect(frame.replace(/\s+/g, ' ')).toContain(`Added ${name} from ${record.issuer} (serial ${record.serial}`);
    await stat(path.join(w.dir, record.p12!.modern!));

    // Revoke: the new client is the last active one, just above Back.
    for (let i = 0; i < 3; i++) await press(instance, KEY.up);
    await press(instance, KEY.enter, 'Which client should be revoked?');
    await press(instance, KEY.up);
    await press(instance, KEY.enter, 'Why is');
    await press(instance, KEY.enter, `Revoke ${name} (serial ${record.serial})?`);
    frame = await press(instance, 'y', (f) => f.includes(`Revoked ${name}`));
    expect(frame.replace(/\s+/g, ' ')).toContain('API Gateway checks no CRL and no OCSP');
    expect(session.state().clients[name]!.revokedAt).toBeDefined();
    expect(session.state().clients[name]!.revocationReason).toBe('unspecified');
    await press(instance, KEY.enter);
    await waitFor(() => finished);
  }, 90_000);
});
