/** Test certificates made with the real openssl CLI, so the code under test never grades its own homework. */
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

export type KeySpec = 'ec256' | 'ec384' | 'ec224' | 'rsa1024' | 'rsa2048' | 'ed25519';

export interface CertOptions {
  readonly key?: KeySpec;
  /** openssl digest flag without the dash: sha256 (default), sha1, sha384. */
  readonly md?: string;
  readonly days?: number;
  /** For CAs: basicConstraints pathlen; undefined = no limit. */
  readonly pathlen?: number;
  /** Extra subject components, e.g. "/O=Example". */
  readonly subjectSuffix?: string;
}

export interface Cert {
  readonly name: string;
  readonly pem: string;
  readonly certPath: string;
  readonly keyPath: string;
}

const KEY_ARGS: Record<KeySpec, string[]> = {
  ec256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  ec384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  ec224: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-224'],
  rsa1024: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'],
  rsa2048: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  ed25519: ['-algorithm', 'ED25519'],
};

export function openssl(args: readonly string[], input?: string): string {
  return execFileSync('openssl', args, {encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe']});
}

/** A throwaway PKI in a temp directory. Names are file names and CNs at once. */
export class Pki {
  readonly dir = mkdtempSync(join(tmpdir(), 'truststore-test-'));
  private serial = 1000;

  cleanup(): void {
    rmSync(this.dir, {recursive: true, force: true});
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  root(name: string, opts: CertOptions = {}): Cert {
    const keyPath = this.key(name, opts.key);
    const cnf = this.config(name, caExtensions(opts.pathlen));
    const certPath = this.path(`${name}.pem`);
    openssl(['req', '-x509', '-new', '-key', keyPath, '-subj', `/CN=${name}${opts.subjectSuffix ?? ''}`, '-days', String(opts.days ?? 3650), `-${opts.md ?? 'sha256'}`, '-config', cnf, '-extensions', 'ext', '-out', certPath]);
    return {name, pem: readFileSync(certPath, 'utf8'), certPath, keyPath};
  }

  ca(name: string, parent: Cert, opts: CertOptions = {}): Cert {
    return this.issue(name, parent, caExtensions(opts.pathlen), opts);
  }

  client(name: string, parent: Cert, opts: CertOptions = {}): Cert {
    return this.issue(name, parent, LEAF_EXTENSIONS, opts);
  }

  /** A self-signed certificate without CA:TRUE, like a self-signed client certificate. */
  selfSignedClient(name: string, opts: CertOptions = {}): Cert {
    const keyPath = this.key(name, opts.key);
    const cnf = this.config(name, LEAF_EXTENSIONS);
    const certPath = this.path(`${name}.pem`);
    openssl(['req', '-x509', '-new', '-key', keyPath, '-subj', `/CN=${name}`, '-days', '365', '-sha256', '-config', cnf, '-extensions', 'ext', '-out', certPath]);
    return {name, pem: readFileSync(certPath, 'utf8'), certPath, keyPath};
  }

  write(name: string, content: string): string {
    const file = this.path(name);
    writeFileSync(file, content);
    return file;
  }

  private issue(name: string, parent: Cert, extensions: string, opts: CertOptions): Cert {
    const keyPath = this.key(name, opts.key);
    const cnf = this.config(name, extensions);
    const csr = this.path(`${name}.csr`);
    const certPath = this.path(`${name}.pem`);
    openssl(['req', '-new', '-key', keyPath, '-subj', `/CN=${name}${opts.subjectSuffix ?? ''}`, '-config', cnf, '-out', csr]);
    this.serial += 1;
    openssl(['x509', '-req', '-in', csr, '-CA', parent.certPath, '-CAkey', parent.keyPath, '-set_serial', String(this.serial), '-days', String(opts.days ?? 365), `-${opts.md ?? 'sha256'}`, '-extfile', cnf, '-extensions', 'ext', '-out', certPath]);
    return {name, pem: readFileSync(certPath, 'utf8'), certPath, keyPath};
  }

  private key(name: string, spec: KeySpec = 'ec256'): string {
    const keyPath = this.path(`${name}.key`);
    openssl(['genpkey', ...KEY_ARGS[spec], '-out', keyPath]);
    return keyPath;
  }

  private config(name: string, extensions: string): string {
    return this.write(`${name}.cnf`, `[req]\ndistinguished_name = dn\n[dn]\n[ext]\n${extensions}`);
  }
}

function caExtensions(pathlen?: number): string {
  const constraint = pathlen === undefined ? 'CA:TRUE' : `CA:TRUE,pathlen:${pathlen}`;
  return `basicConstraints = critical,${constraint}\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid:always\n`;
}

const LEAF_EXTENSIONS =
  'basicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = clientAuth\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid:always\n';

/** The article's hierarchy: rootCA → intermediateCA0 (pathLen 0) → client1; rootCA → intermediateCA1 (1) → intermediateCA2 (0) → client2. */
export function articleHierarchy(pki: Pki) {
  const rootCA = pki.root('rootCA');
  const intermediateCA0 = pki.ca('intermediateCA0', rootCA, {pathlen: 0, days: 1825});
  const intermediateCA1 = pki.ca('intermediateCA1', rootCA, {pathlen: 1, days: 1825});
  const intermediateCA2 = pki.ca('intermediateCA2', intermediateCA1, {pathlen: 0, days: 1000});
  const client1 = pki.client('client1', intermediateCA0);
  const client2 = pki.client('client2', intermediateCA2);
  return {rootCA, intermediateCA0, intermediateCA1, intermediateCA2, client1, client2};
}

/** `openssl verify` as an independent oracle: true when `leaf` verifies against the bundle file alone. */
export function opensslVerifies(pki: Pki, bundle: string, leaf: Cert, extra: readonly string[] = []): boolean {
  const caFile = pki.write(`bundle-${Math.random().toString(36).slice(2)}.pem`, bundle);
  try {
    openssl(['verify', '-x509_strict', ...extra, '-CAfile', caFile, leaf.certPath]);
    return true;
  } catch {
    return false;
  }
}
