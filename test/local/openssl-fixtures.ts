/**
 * Test PKI built with the real `openssl` CLI in a temp dir, so the gateway and curl are checked against
 * certificates that our own code did not make. EC P-256 everywhere (fast) except the deliberately weak ones.
 *
 *   rootCA → intermediateCA0 (pathlen 0) → client1 (also with an encrypted PKCS#8 key), expired, weakRsa, sha1
 *   rootCA → deep1 → deep2 → deep3 → fourClient (4 CA certificates: the limit)
 *                              deep3 → deep4 → deepClient (5 CA certificates: one too many)
 *   rootCA → intermediateCA0 → rogueCA (breaks pathlen 0) → rogueClient
 *   outsiderCA → outsider;  selfSigned;  publicCA → api.mtls.test (server)
 */
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {execa} from 'execa';

export interface Issued {
  readonly name: string;
  readonly cert: string; // path
  readonly key: string; // path (unencrypted)
  readonly certPem: string;
}

export interface TestPki {
  readonly dir: string;
  readonly rootCa: Issued;
  readonly intermediateCa0: Issued;
  readonly client1: Issued & {readonly encryptedKey: string; readonly passphrase: string};
  readonly outsiderCa: Issued;
  readonly outsider: Issued;
  readonly expired: Issued;
  /** Valid from 2099 on: not yet valid. */
  readonly notYetValid: Issued;
  /** Issued by intermediateCA0 with extendedKeyUsage serverAuth only (no clientAuth). */
  readonly serverOnly: Issued;
  readonly selfSigned: Issued;
  readonly weakRsa: Issued;
  readonly sha1: Issued;
  readonly deep: readonly Issued[]; // deep1..deep4
  readonly deepClient: Issued;
  /** Issued by deep3: exactly 4 CA certificates (rootCA, deep1..3), API Gateway's limit. */
  readonly fourClient: Issued;
  /** A CA under intermediateCA0 (pathlen 0 forbids it) and its client: only OpenSSL's path checks catch this. */
  readonly rogueCa: Issued;
  readonly rogueClient: Issued;
  /** client1's certificate followed by intermediateCA0, as a client that sends its chain would. */
  readonly client1FullChain: string;
  readonly publicCa: Issued;
  readonly server: Issued;
  /** intermediateCA0 + rootCA, the article's truststore. */
  readonly truststorePem: string;
  cleanup(): Promise<void>;
}

export const SERVER_NAME = 'api.mtls.test';

const CA_EXT = (pathLen?: number) =>
  `basicConstraints=critical,CA:TRUE${pathLen === undefined ? '' : `,pathlen:${pathLen}`}\n` +
  'keyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n';
const CLIENT_EXT =
  'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' +
  'subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n';
const SERVER_EXT =
  `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${SERVER_NAME}\n`;

export async function openssl(args: string[], cwd: string): Promise<string> {
  const result = await execa('openssl', args, {cwd});
  return result.stdout;
}

export async function makeTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mtls-pki-'));
  try {
    return await build(dir);
  } catch (error) {
    await rm(dir, {recursive: true, force: true});
    throw error;
  }
}

async function build(dir: string): Promise<TestPki> {
  const file = (name: string) => path.join(dir, name);

  const key = async (name: string, kind: 'ec' | 'rsa1024' = 'ec') => {
    const args = kind === 'ec' ? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'];
    await openssl(['genpkey', ...args, '-out', file(`${name}.key`)], dir);
    return file(`${name}.key`);
  };
  const done = async (name: string): Promise<Issued> => ({name, cert: file(`${name}.pem`), key: file(`${name}.key`), certPem: await readFile(file(`${name}.pem`), 'utf8')});

  const selfSignedCert = async (name: string, ext: string): Promise<Issued> => {
    await key(name);
    await writeFile(file(`${name}.ext`), ext);
    await openssl(['req', '-x509', '-new', '-key', file(`${name}.key`), '-subj', `/CN=${name}`, '-days', '3650', '-sha256', '-out', file(`${name}.pem`),
      '-extensions', 'v3', '-config', await extConfig(name, ext)], dir);
    return done(name);
  };
  const extConfig = async (name: string, ext: string) => {
    const cfg = file(`${name}.cnf`);
    await writeFile(cfg, `[req]\ndistinguished_name=dn\n[dn]\n[v3]\n${ext}`);
    return cfg;
  };
  const issue = async (name: string, issuer: Issued, ext: string, o: {keyKind?: 'ec' | 'rsa1024'; digest?: string; days?: number} = {}): Promise<Issued> => {
    await key(name, o.keyKind);
    await openssl(['req', '-new', '-key', file(`${name}.key`), '-subj', `/CN=${name}/O=mtls-wizard tests`, '-out', file(`${name}.csr`)], dir);
    await writeFile(file(`${name}.ext`), ext);
    await openssl(['x509', '-req', '-in', file(`${name}.csr`), '-CA', issuer.cert, '-CAkey', issuer.key, '-set_serial', `0x${serial()}`,
      '-days', String(o.days ?? 365), `-${o.digest ?? 'sha256'}`, '-extfile', file(`${name}.ext`), '-out', file(`${name}.pem`)], dir);
    return done(name);
  };

  const rootCa = await selfSignedCert('rootCA', CA_EXT());
  const intermediateCa0 = await issue('intermediateCA0', rootCa, CA_EXT(0), {days: 3000});
  const client1Base = await issue('client1', intermediateCa0, CLIENT_EXT);
  const passphrase = 'correct horse battery staple';
  await openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', client1Base.key, '-out', file('client1-encrypted.key'), '-passout', `pass:${passphrase}`], dir);
  const client1 = {...client1Base, encryptedKey: file('client1-encrypted.key'), passphrase};
  const outsiderCa = await selfSignedCert('outsiderCA', CA_EXT());
  const outsider = await issue('outsider', outsiderCa, CLIENT_EXT);
  const expired = await issueExpired(dir, 'expired', intermediateCa0, CLIENT_EXT);
  const notYetValid = await issueExpired(dir, 'notYetValid', intermediateCa0, CLIENT_EXT, ['20990101000000Z', '21000101000000Z']);
  const serverOnly = await issue('serverOnly', intermediateCa0, CLIENT_EXT.replace('clientAuth', 'serverAuth'));
  const selfSigned = await selfSignedCert('selfSigned', CLIENT_EXT.replace('keyid:always', 'keyid'));
  const weakRsa = await issue('weakRsa', intermediateCa0, CLIENT_EXT, {keyKind: 'rsa1024'});
  const sha1 = await issue('sha1', intermediateCa0, CLIENT_EXT, {digest: 'sha1'});
  const deep: Issued[] = [];
  let parent = rootCa;
  for (let i = 1; i <= 4; i++) {
    parent = await issue(`deep${i}`, parent, CA_EXT(), {days: 3000});
    deep.push(parent);
  }
  const deepClient = await issue('deepClient', parent, CLIENT_EXT);
  const fourClient = await issue('fourClient', deep[2]!, CLIENT_EXT);
  const rogueCa = await issue('rogueCA', intermediateCa0, CA_EXT(), {days: 3000});
  const rogueClient = await issue('rogueClient', rogueCa, CLIENT_EXT);
  await writeFile(file('client1-fullchain.pem'), client1.certPem + intermediateCa0.certPem);
  const publicCa = await selfSignedCert('publicCA', CA_EXT());
  const server = await issue('server', publicCa, SERVER_EXT);
  // The server sends its leaf followed by the public CA, as ACM's chain would.
  await writeFile(server.cert, server.certPem + publicCa.certPem);

  return {
    dir, rootCa, intermediateCa0, client1, outsiderCa, outsider, expired, notYetValid, serverOnly, selfSigned, weakRsa, sha1, deep, deepClient, fourClient, rogueCa, rogueClient, publicCa,
    client1FullChain: file('client1-fullchain.pem'),
    server: {...server, certPem: server.certPem + publicCa.certPem},
    truststorePem: intermediateCa0.certPem + rootCa.certPem,
    cleanup: () => rm(dir, {recursive: true, force: true}),
  };
}

let counter = 0;
function serial(): string {
  counter += 1;
  return (Date.now() * 1000 + counter).toString(16);
}

/** `openssl x509` cannot back-date before 3.4, so the expired (or future-dated) certificate goes through `openssl ca`. */
async function issueExpired(dir: string, name: string, issuer: Issued, ext: string, window = ['20200101000000Z', '20210101000000Z']): Promise<Issued> {
  const file = (n: string) => path.join(dir, n);
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file(`${name}.key`)], dir);
  await openssl(['req', '-new', '-key', file(`${name}.key`), '-subj', `/CN=${name}/O=mtls-wizard tests`, '-out', file(`${name}.csr`)], dir);
  await writeFile(file('ca-index.txt'), '');
  await writeFile(file('ca.cnf'), [
    '[ca]', 'default_ca=test', '[test]', `database=${file('ca-index.txt')}`, `new_certs_dir=${dir}`, `serial=${file('ca-serial.txt')}`, 'default_md=sha256',
    'policy=anything', 'unique_subject=no', 'copy_extensions=none', '[anything]', 'commonName=supplied', 'organizationName=optional',
    '[client]', ext,
  ].join('\n'));
  await openssl(['ca', '-batch', '-config', file('ca.cnf'), '-cert', issuer.cert, '-keyfile', issuer.key, '-in', file(`${name}.csr`),
    '-startdate', window[0]!, '-enddate', window[1]!, '-extensions', 'client', '-notext', '-create_serial',
    '-out', file(`${name}.pem`)], dir);
  return {name, cert: file(`${name}.pem`), key: file(`${name}.key`), certPem: await readFile(file(`${name}.pem`), 'utf8')};
}

export interface PartnerPki {
  readonly root: Issued;
  readonly issuing: Issued;
  readonly client: Issued;
  /** issuing CA then root: the bundle a partner would send. */
  readonly chainFile: string;
}

/**
 * A partner's hierarchy made with openssl alone, as another organisation would: `<name> Root CA` →
 * `<name> Issuing CA` (pathlen 0) → `<name>-client`. EC P-256, SHA-256. Files in `dir`.
 */
export async function makePartnerPki(dir: string, name = 'Partner'): Promise<PartnerPki> {
  const file = (n: string) => path.join(dir, n);
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const make = async (id: string, subject: string, ext: string, issuer?: Issued): Promise<Issued> => {
    await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file(`${id}.key`)], dir);
    await writeFile(file(`${id}.ext`), ext);
    if (issuer) {
      await openssl(['req', '-new', '-key', file(`${id}.key`), '-subj', subject, '-out', file(`${id}.csr`)], dir);
      await openssl(['x509', '-req', '-in', file(`${id}.csr`), '-CA', issuer.cert, '-CAkey', issuer.key, '-set_serial', `0x${serial()}`, '-days', '1000', '-sha256', '-extfile', file(`${id}.ext`), '-out', file(`${id}.pem`)], dir);
    } else {
      await writeFile(file(`${id}.cnf`), `[req]\ndistinguished_name=dn\n[dn]\n[v3]\n${ext}`);
      await openssl(['req', '-x509', '-new', '-key', file(`${id}.key`), '-subj', subject, '-days', '3650', '-sha256', '-out', file(`${id}.pem`), '-extensions', 'v3', '-config', file(`${id}.cnf`)], dir);
    }
    return {name: id, cert: file(`${id}.pem`), key: file(`${id}.key`), certPem: await readFile(file(`${id}.pem`), 'utf8')};
  };
  const root = await make(`${slug}-root`, `/O=${name} Inc/CN=${name} Root CA`, CA_EXT());
  const issuing = await make(`${slug}-issuing`, `/O=${name} Inc/CN=${name} Issuing CA`, CA_EXT(0), root);
  const client = await make(`${slug}-client`, `/O=${name} Inc/CN=${slug}-client`, CLIENT_EXT, issuing);
  const chainFile = file(`${slug}-chain.pem`);
  await writeFile(chainFile, issuing.certPem + root.certPem);
  return {root, issuing, client, chainFile};
}
