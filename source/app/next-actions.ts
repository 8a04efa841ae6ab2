/**
 * What the wizard offers once the walkthrough is complete: one table of actions, each a short guided form
 * that ends in the same engine function as its command (lifecycle/). An action is offered only when it can
 * do something in the current state. To add one, add an entry to NEXT_ACTIONS.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import type {Backend} from '../backends/backend.js';
import {CancelledError, ExternalError, UserError, describeError} from '../errors.js';
import {pinnedVersion} from '../lifecycle/trust.js';
import {addPartnerChain, planAdd, readPinnedBundle, removalQuestion, retireCa} from '../lifecycle/truststore-change.js';
import {planPartnerAdd, planRemove} from '../lifecycle/truststore-plan.js';
import type {State} from '../state/schema.js';
import type {Prompter} from '../wizard/prompter.js';
import type {Session} from '../wizard/session.js';

export interface ActionContext {
  readonly session: Session;
  readonly backend: Backend;
  readonly prompter: Prompter;
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

/** The wizard's next actions, in menu order. The client actions (add, renew, revoke) join this table. */
export const NEXT_ACTIONS: readonly NextAction[] = [addPartnerCa, retireCaAction];

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
