/**
 * `mtls-wizard client add|list|revoke|renew`: thin over source/lifecycle/clients.ts (the same functions the
 * wizard's completion menu calls). Writers hold the state lock; list only reads.
 */
import path from 'node:path';
import {createBackend} from '../backends/index.js';
import {UsageError} from '../errors.js';
import {type ClientSummary, type LifecycleContext, addClient, checkReason, listClients, renewClient, renewQuestion, revokeClient, revokeQuestion, seeRevocation} from '../lifecycle/clients.js';
import {acquireLock} from '../state/lock.js';
import {attachLineRenderer} from '../ui/line-renderer.js';
import {EventBus} from '../wizard/events.js';
import {DefaultsPrompter} from '../wizard/prompter.js';
import {PassphraseSource} from '../wizard/secrets.js';
import {Session} from '../wizard/session.js';
import {commandLine} from '../util/invocation.js';
import {confirmDestructive} from './confirm.js';
import type {IO} from './io.js';
import {loadExisting} from './open.js';
import type {Options} from './options.js';

const SUBCOMMANDS = ['add', 'list', 'revoke', 'renew'] as const;
type Sub = (typeof SUBCOMMANDS)[number];

const FORMS = '`client add NAME [--issuer CA] [--validity-days N] [--passphrase-file F]`, `client list [--json]`, `client revoke NAME [--reason R]`, `client renew NAME`';

/** Flags that belong to one subcommand only (the others are refused, naming the flag). */
const ONLY: Partial<Record<'issuer' | 'validityDays' | 'reason', {flag: string; sub: Sub}>> = {
  issuer: {flag: 'issuer', sub: 'add'},
  validityDays: {flag: 'validity-days', sub: 'add'},
  reason: {flag: 'reason', sub: 'revoke'},
};

function parse(o: Options): {sub: Sub; name?: string} {
  const [sub, name, ...extra] = o.positionals;
  if (!sub || !(SUBCOMMANDS as readonly string[]).includes(sub)) {
    throw new UsageError({what: sub ? `unknown client command "${sub}"` : 'client needs a command', why: `the forms are ${FORMS}`, fix: `e.g. \`${commandLine('client add client3')}\``, field: 'command'});
  }
  const s = sub as Sub;
  if (s === 'list' && name !== undefined) throw new UsageError({what: `unexpected argument "${name}"`, why: '`client list` takes no name', fix: `\`${commandLine('client list')}\``, field: 'name'});
  if (s !== 'list' && !name) throw new UsageError({what: `client ${s} needs a client name`, why: `the form is ${FORMS.split(', ').find((f) => f.includes(`client ${s}`))}`, fix: `e.g. \`${commandLine(`client ${s} client3`)}\``, field: 'name'});
  if (extra.length > 0) throw new UsageError({what: `unexpected argument "${extra[0]}"`, why: `\`client ${s}\` takes one name`, fix: `see \`${commandLine('--help')}\``});
  for (const [key, rule] of Object.entries(ONLY)) {
    if (o[key as keyof typeof ONLY] !== undefined && rule!.sub !== s) {
      throw new UsageError({what: `--${rule!.flag} does not apply to \`client ${s}\``, why: `it belongs to \`client ${rule!.sub}\``, fix: 'remove the flag', field: rule!.flag});
    }
  }
  if (o.passphraseFile !== undefined && s !== 'add' && s !== 'renew') {
    throw new UsageError({what: `--passphrase-file does not apply to \`client ${s}\``, why: 'only `client add` and `client renew` write a key', fix: 'remove the flag', field: 'passphrase-file'});
  }
  if (s === 'revoke') checkReason(o.reason ?? 'unspecified');
  return {sub: s, ...(name ? {name} : {})};
}

export async function clientCommand(o: Options, io: IO): Promise<number> {
  const {sub, name} = parse(o);
  if (sub === 'list') return listCommand(o, io);
  await loadExisting(o.stateDir, `change clients in`);
  const lock = await acquireLock(o.stateDir, `client ${sub}`);
  try {
    return await locked(o, io, sub, name!);
  } finally {
    await lock.release();
  }
}

async function listCommand(o: Options, io: IO): Promise<number> {
  const {store, state} = await loadExisting(o.stateDir, 'list clients of');
  // Paths absolute, as `status --json` gives them.
  const clients = listClients(state).map((c) => ({...c, ...(c.certificate ? {certificate: path.join(store.dir, c.certificate)} : {}), ...(c.key ? {key: path.join(store.dir, c.key)} : {})}));
  if (o.json) {
    io.stdout(JSON.stringify({clients}, null, 2));
    return 0;
  }
  if (clients.length === 0) io.stdout('no clients yet');
  for (const c of clients) io.stdout(line(c));
  return 0;
}

function line(c: ClientSummary): string {
  const status = c.status ?? 'NOT ISSUED';
  const revoked = c.revokedAt ? ` (revoked ${c.revokedAt.slice(0, 10)}, ${c.revocationReason})` : '';
  return `${c.name.padEnd(14)} ${status.padEnd(8)} ← ${c.issuer.padEnd(16)} serial ${c.serial ?? '-'}  notAfter ${c.notAfter?.slice(0, 10) ?? '-'}  ${c.trusted ? 'trusted' : 'NOT TRUSTED (issuer not in the pinned truststore: 403)'}${revoked}`;
}

async function locked(o: Options, io: IO, sub: Exclude<Sub, 'list'>, name: string): Promise<number> {
  const {store, state} = await loadExisting(o.stateDir, 'change clients in');
  const bus = new EventBus();
  if (!o.json) attachLineRenderer(bus, {write: io.stdout, verbose: o.verbose});
  const session = new Session({store, state, bus});
  const prompter = new DefaultsPrompter();
  const backend = await createBackend(state.backend, {region: state.inputs.region, profile: state.inputs.profile, yes: o.yes, prompter});
  const lc: LifecycleContext = {ctx: session.context(), backend, secrets: new PassphraseSource({passphraseFile: o.passphraseFile, env: io.env, prompter})};
  const abs = (p: string) => path.join(store.dir, p);

  if (sub === 'add') {
    const result = await addClient(lc, {name, ...(o.issuer ? {issuer: o.issuer} : {}), ...(o.validityDays !== undefined ? {validityDays: o.validityDays} : {})});
    const files = {certificate: abs(result.files.certificate), key: abs(result.files.key), p12: {modern: abs(result.files.p12.modern), compatible: abs(result.files.p12.compatible)}, ...(result.files.passphraseFile ? {passphraseFile: abs(result.files.passphraseFile)} : {})};
    if (o.json) {
      io.stdout(JSON.stringify({client: result.client, files}, null, 2));
    } else {
      io.stdout(`✓ client ${name} issued by ${result.client.issuer} (serial ${result.client.serial}, until ${result.client.notAfter?.slice(0, 10)})`);
      io.stdout(`  certificate ${files.certificate}\n  key (encrypted) ${files.key}\n  PKCS#12 ${files.p12.modern} (compatible: ${files.p12.compatible})`);
      if (files.passphraseFile) io.stdout(`  passphrase (generated, 0600) ${files.passphraseFile}`);
      io.stdout(`next: \`${commandLine('connect')}\` checks it with curl`);
    }
    return 0;
  }

  const client = state.clients[name];
  if (sub === 'revoke') {
    if (!client?.revokedAt && client?.certificate) {
      const ok = await confirmDestructive(io, o.yes, revokeQuestion(name, client.serial), `client revoke ${name}`);
      if (!ok) {
        io.stdout('nothing revoked');
        return 1;
      }
    }
    const result = await revokeClient(lc, {name, reason: o.reason ?? 'unspecified'});
    if (o.json) {
      io.stdout(JSON.stringify({client: result.client, alreadyRevoked: result.alreadyRevoked, ...(result.crl ? {crl: abs(result.crl)} : {}), apiGatewayChecksRevocation: false, gap: result.gap}, null, 2));
    } else {
      io.stdout(result.alreadyRevoked ? `✓ ${name} was already revoked (${result.client.revocationReason}, ${result.client.revokedAt}): nothing sent again` : `✓ revoked ${name} (serial ${result.client.serial}, ${result.client.revocationReason})`);
      if (result.crl) io.stdout(`  CRL of ${result.client.issuer}: ${abs(result.crl)} (check it: openssl crl -in ${abs(result.crl)} -noout -text)`);
      io.stdout(`! ${result.gap}`);
      if (state.backend === 'local') io.stdout(seeRevocation());
    }
    return 0;
  }

  if (client?.certificate && !client.renewal) {
    const ok = await confirmDestructive(io, o.yes, renewQuestion(name), `client renew ${name}`);
    if (!ok) {
      io.stdout('nothing renewed');
      return 1;
    }
  }
  const result = await renewClient(lc, {name});
  if (o.json) {
    io.stdout(JSON.stringify({client: result.client, previousSerial: result.previousSerial, previousDir: abs(result.previousDir), revokedPrevious: result.revokedPrevious, ...(result.crl ? {crl: abs(result.crl)} : {})}, null, 2));
  } else {
    io.stdout(`✓ renewed ${name}: serial ${result.previousSerial} → ${result.client.serial} (until ${result.client.notAfter?.slice(0, 10)})`);
    io.stdout(`  the old files are in ${abs(result.previousDir)}/ until the next renew; the old certificate is ${result.revokedPrevious ? 'now revoked as superseded' : 'already revoked'}`);
  }
  return 0;
}
