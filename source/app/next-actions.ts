/**
 * What the wizard offers once the walkthrough is complete: one table of actions, each a short guided form
 * that ends in the same engine function as its command (lifecycle/). An action is offered only when it can
 * do something in the current state. To add one, add an entry to NEXT_ACTIONS.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import type {Backend} from '../backends/backend.js';
import {CancelledError, ExternalError, UserError, describeError} from '../errors.js';
import {
  type ClientSummary,
  REVOCATION_NOT_CHECKED,
  addClient,
  checkAddClient,
  defaultClientValidityDays,
  defaultIssuer,
  issuerChoices,
  listClients,
  nextClientName,
  renewClient,
  renewQuestion,
  revokeClient,
  revokeQuestion,
  seeRevocation,
} from '../lifecycle/clients.js';
import {pinnedVersion} from '../lifecycle/trust.js';
import {addPartnerChain, planAdd, readPinnedBundle, removalQuestion, retireCa} from '../lifecycle/truststore-change.js';
import {planPartnerAdd, planRemove} from '../lifecycle/truststore-plan.js';
import {REVOCATION_REASONS} from '../pki/revocation-reasons.js';
import type {State} from '../state/schema.js';
import {checkValidityDays} from '../wizard/inputs.js';
import type {Prompter} from '../wizard/prompter.js';
import type {Session} from '../wizard/session.js';
import type {Secrets} from '../wizard/step.js';

export interface ActionContext {
  readonly session: Session;
  readonly backend: Backend;
  readonly prompter: Prompter;
  /** Where client key passphrases come from: the walkthrough's own source (flag, environment, asked, generated). */
  readonly secrets: Secrets;
}

export interface NextAction {
  readonly id: string;
  readonly label: string;
  readonly hint: string;
  /** False when the action could do nothing in this state: it is not offered. */
  applies(state: State): boolean;
  /** Asks, then runs; resolves to one line saying what happened (undefined: the person went back). */
  run(c: ActionContext): Promise<string | undefined>;
}

const BACK = '__back';

/** The rule `client add` would refuse this value of one field with (undefined: that field is fine). */
function refusalOf(field: string, check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return error.field === field ? `was refused: ${error.why ?? error.message}` : undefined;
  }
}

const issuedClients = (state: State, now: Date) => listClients(state, now).filter((c) => c.serial);
const canIssue = (state: State, issuer: string) => Boolean(state.cas[issuer]?.key || state.cas[issuer]?.arn);
const clientChoice = (c: ClientSummary) => ({value: c.name, label: c.name, hint: `${c.status ?? 'not issued'} \u2190 ${c.issuer}, serial ${c.serial}`});
const back = {value: BACK, label: 'Back', hint: 'change nothing'};

const addClientAction: NextAction = {
  id: 'add-client',
  label: 'Add a client',
  hint: 'a new client certificate, key and PKCS#12 from one of your CAs',
  applies: (state) => pinnedVersion(state) !== undefined && issuerChoices(state, nextClientName(state)).some((c) => !c.refusal),
  async run({session, backend, prompter, secrets}) {
    const state = session.state();
    const name = await prompter.text({
      id: 'client-name',
      message: 'Name of the new client; empty goes back',
      default: nextClientName(state),
      help: 'Its certificate\u2019s common name, and the name `client list` shows.',
      // The command's own checks (checkAddClient), so a name the form accepts is one `client add` accepts.
      validate: (value) => (value === '' ? undefined : refusalOf('name', () => checkAddClient(session.state(), {name: value}))),
    });
    if (name === '') return undefined;
    const choices = issuerChoices(session.state(), name);
    const offered = choices.filter((c) => !c.refusal);
    const refused = choices.filter((c) => c.refusal && canIssue(session.state(), c.name));
    const proposed = defaultIssuer(session.state());
    const issuer = await prompter.select({
      id: 'client-issuer',
      message: `Which CA issues ${name}?`,
      choices: [...offered.map((c) => ({value: c.name, label: c.name, hint: c.name === proposed ? 'issued the last client added' : ''})), back],
      default: offered.find((c) => c.name === proposed)?.name ?? offered[0]?.name ?? BACK,
      ...(refused.length > 0 ? {help: `Not offered: ${refused.map((c) => `${c.name} (${c.refusal})`).join('; ')}`} : {}),
    });
    if (issuer === BACK) return undefined;
    const days = await prompter.text({
      id: 'client-validity-days',
      message: `Validity of ${name}'s certificate, in days`,
      default: String(defaultClientValidityDays(session.state())),
      validate: (value) => (/^\d+$/.test(value) ? checkValidityDays(Number(value)) : 'must be a whole number of days'),
    });
    const result = await addClient({ctx: session.context(), backend, secrets}, {name, issuer, validityDays: Number(days)});
    const f = result.files;
    const passphrase = f.passphraseFile ? `, passphrase (generated, 0600) ${f.passphraseFile}` : '';
    return `Added ${name} from ${issuer} (serial ${result.client.serial}, until ${result.client.notAfter?.slice(0, 10)}). In ${session.context().stateDir}: certificate ${f.certificate}, key (encrypted) ${f.key}, PKCS#12 ${f.p12.modern} (compatible: ${f.p12.compatible})${passphrase}.`;
  },
};

const renewClientAction: NextAction = {
  id: 'renew-client',
  label: 'Renew a client',
  hint: 'a new key and certificate, same name and issuer; the old one revoked as superseded',
  applies: (state) => pinnedVersion(state) !== undefined && issuedClients(state, new Date()).some((c) => canIssue(state, c.issuer)),
  async run({session, backend, prompter, secrets}) {
    const ctx = session.context();
    const clients = issuedClients(session.state(), ctx.now()).filter((c) => canIssue(session.state(), c.issuer));
    const name = await prompter.select({id: 'renew-client', message: 'Which client should get a new certificate?', choices: [...clients.map(clientChoice), back], default: BACK});
    if (name === BACK) return undefined;
    const sure = await prompter.confirm({id: 'renew-client-confirm', message: renewQuestion(name), default: false});
    if (!sure) return 'Nothing changed.';
    const result = await renewClient({ctx, backend, secrets}, {name});
    const old = result.revokedPrevious ? 'now revoked as superseded' : 'already revoked';
    return `Renewed ${name}: serial ${result.previousSerial} \u2192 ${result.client.serial} (until ${result.client.notAfter?.slice(0, 10)}). The old files are in ${path.join(ctx.stateDir, result.previousDir)}/; the old certificate is ${old}.`;
  },
};

const revokeClientAction: NextAction = {
  id: 'revoke-client',
  label: 'Revoke a client',
  hint: 'recorded and listed in its CA\u2019s CRL (API Gateway itself does not check it)',
  applies: (state) => pinnedVersion(state) !== undefined && issuedClients(state, new Date()).some((c) => c.status === 'ACTIVE'),
  async run({session, backend, prompter, secrets}) {
    const ctx = session.context();
    const active = issuedClients(session.state(), ctx.now()).filter((c) => c.status === 'ACTIVE');
    const name = await prompter.select({id: 'revoke-client', message: 'Which client should be revoked?', choices: [...active.map(clientChoice), back], default: BACK});
    if (name === BACK) return undefined;
    const reason = await prompter.select({
      id: 'revoke-reason',
      message: `Why is ${name} revoked? (the CRL entry's reason)`,
      choices: REVOCATION_REASONS.map((r) => ({value: r, label: r})),
      default: 'unspecified',
    });
    const serial = session.state().clients[name]?.serial;
    const sure = await prompter.confirm({id: 'revoke-client-confirm', message: revokeQuestion(name, serial), default: false});
    if (!sure) return 'Nothing changed.';
    const result = await revokeClient({ctx, backend, secrets}, {name, reason});
    const crl = result.crl ? ` CRL of ${result.client.issuer}: ${path.join(ctx.stateDir, result.crl)}.` : '';
    const see = session.state().backend === 'local' ? ` To see it refused: ${seeRevocation()}, or serve the local gateway with \`gateway --check-revocation\`.` : '';
    return `Revoked ${name} (serial ${result.client.serial}, ${result.client.revocationReason}).${crl} ${REVOCATION_NOT_CHECKED}${see}`;
  },
};

const addPartnerCa: NextAction = {
  id: 'add-partner-ca',
  label: 'Add a partner CA',
  hint: 'a PEM file with another organisation\u2019s CA chain joins the truststore',
  applies: (state) => pinnedVersion(state) !== undefined,
  async run({session, backend, prompter}) {
    const ctx = session.context();
    const pinned = await readPinnedBundle(ctx);
    const file = await prompter.text({
      id: 'partner-chain-file',
      message: 'PEM file with the partner\u2019s CA chain (its issuing CA up to its root); empty goes back',
      default: '',
      help: 'Made elsewhere, e.g. with openssl. Only the certificates not in the truststore yet are added.',
      // The same checks as `truststore add`, so a file the form accepts is one the command accepts.
      validate: (value) => {
        if (value === '') return undefined;
        let bytes: Uint8Array;
        try {
          bytes = new Uint8Array(readFileSync(path.resolve(value)));
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          return `must name a readable file (${code === 'ENOENT' ? 'no such file' : (code ?? 'unreadable')})`;
        }
        try {
          planPartnerAdd(session.state(), pinned.pem, bytes, value, ctx.now());
          return undefined;
        } catch (error) {
          if (error instanceof UserError) return `was refused: ${error.why ?? error.message}`;
          throw error;
        }
      },
    });
    if (file === '') return undefined;
    const plan = await planAdd(ctx, path.resolve(file));
    if (plan.added.length > 0) {
      const present = plan.alreadyPresent.length > 0 ? `; already there: ${plan.alreadyPresent.map((c) => c.name).join(', ')}` : '';
      const sure = await prompter.confirm({id: 'partner-chain-confirm', message: `Add ${plan.added.map((c) => c.name).join(', ')} to the truststore and pin the new version${present}?`, default: true});
      if (!sure) return 'Nothing changed.';
    }
    const result = await addPartnerChain(ctx, backend, path.resolve(file));
    if (result.added.length === 0) return `Nothing to add: ${result.alreadyPresent.map((c) => c.name).join(', ')} already in the truststore.`;
    return `Added ${result.added.map((c) => c.name).join(', ')}; truststore version ${result.version} pinned.`;
  },
};

const retireCaAction: NextAction = {
  id: 'retire-ca',
  label: 'Retire a CA',
  hint: 'remove a CA and every CA below it from the truststore; their clients get 403',
  applies: (state) => (pinnedVersion(state)?.fingerprints.length ?? 0) > 1,
  async run({session, backend, prompter}) {
    const ctx = session.context();
    const pinned = await readPinnedBundle(ctx);
    const state = session.state();
    const inTruststore = new Set(pinnedVersion(state)?.fingerprints ?? []);
    const choices = Object.values(state.cas)
      .filter((ca) => ca.fingerprint && inTruststore.has(ca.fingerprint))
      .map((ca) => {
        let hint: string;
        try {
          const below = planRemove(state, pinned.pem, ca.name, ctx.now()).removed.filter((r) => r.name !== ca.name).map((r) => r.name);
          hint = below.length > 0 ? `and ${below.join(', ')} below it` : 'nothing below it';
        } catch (error) {
          if (!(error instanceof UserError)) throw error;
          hint = 'refused: it would leave the truststore empty';
        }
        return {value: ca.name, label: `${ca.name}${ca.external ? ' (partner CA)' : ''}`, hint};
      });
    const ca = await prompter.select({id: 'retire-ca', message: 'Which CA should leave the truststore?', choices: [...choices, {value: BACK, label: 'Back', hint: 'change nothing'}], default: BACK});
    if (ca === BACK) return undefined;
    const result = await retireCa(ctx, backend, ca, (plan) => prompter.confirm({id: 'retire-ca-confirm', message: removalQuestion(plan), default: false}));
    if (!result.confirmed) return 'Nothing changed.';
    const cut = result.untrustedClients.length > 0 ? ` No longer trusted: ${result.untrustedClients.join(', ')}.` : '';
    return `Removed ${result.removed.map((r) => r.name).join(', ')}; truststore version ${result.version} pinned.${cut}`;
  },
};

/** The wizard's next actions, in menu order (issue 9's order; Quit follows). */
export const NEXT_ACTIONS: readonly NextAction[] = [addClientAction, renewClientAction, revokeClientAction, addPartnerCa, retireCaAction];

/**
 * The menu after the walkthrough: runs actions until the person picks Quit. A refused action (bad file, the
 * last CA) is reported and the menu comes back; quitting (CancelledError) ends it.
 */
export async function offerNextActions(c: ActionContext, report: (notice: string) => void, actions: readonly NextAction[] = NEXT_ACTIONS): Promise<void> {
  for (;;) {
    const offered = actions.filter((a) => a.applies(c.session.state()));
    if (offered.length === 0) return;
    const choice = await c.prompter.select({
      id: 'next-action',
      message: 'What next?',
      choices: [...offered.map((a) => ({value: a.id, label: a.label, hint: a.hint})), {value: 'quit', label: 'Quit', hint: 'show the summary and the curl commands'}],
      default: 'quit',
    });
    const action = offered.find((a) => a.id === choice);
    if (!action) return;
    try {
      const done = await action.run(c);
      if (done) report(done);
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      if (!(error instanceof UserError || error instanceof ExternalError)) throw error;
      report(`✗ ${describeError(error)}`);
    }
  }
}
