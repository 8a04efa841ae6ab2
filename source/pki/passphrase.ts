/**
 * Passphrases and encrypted private keys. The rules are ACM ExportCertificate's, so a passphrase that works
 * on the local backend works on AWS too. No function here puts a passphrase or key into a message.
 */
import {createPrivateKey, randomInt} from 'node:crypto';
import {UserError} from '../errors.js';

export const PASSPHRASE_MIN = 4;
export const PASSPHRASE_MAX = 128;

/**
 * The first rule the passphrase breaks, phrased to follow "the passphrase ", or undefined when it is valid.
 * Length is counted in characters; a non-ASCII passphrase is refused before its bytes could matter.
 */
export function checkPassphrase(passphrase: string): string | undefined {
  const length = [...passphrase].length;
  if (length < PASSPHRASE_MIN || length > PASSPHRASE_MAX) {
    return `must be ${PASSPHRASE_MIN} to ${PASSPHRASE_MAX} characters (it has ${length})`;
  }
  if (!/^[\x20-\x7e]*$/.test(passphrase)) {
    return 'must be ASCII: printable characters only, without accents, emoji, tabs or line breaks';
  }
  if (/[#$%]/.test(passphrase)) return "must not contain '#', '$' or '%'";
  return undefined;
}

// Letters and digits minus look-alikes (0/O, 1/l/I): safe unquoted in any shell and easy to read aloud.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** 24 characters: five groups of four random characters joined by '-', about 115 bits. */
export function generatePassphrase(): string {
  const groups: string[] = [];
  for (let g = 0; g < 5; g++) {
    let group = '';
    for (let i = 0; i < 4; i++) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

function assertPassphrase(passphrase: string, what: string): void {
  const broken = checkPassphrase(passphrase);
  if (broken) {
    throw new UserError({
      what,
      why: `the passphrase ${broken}`,
      fix: 'choose another passphrase (4 to 128 ASCII characters, none of # $ %), or let the wizard generate one',
      field: 'passphrase',
    });
  }
}

/** Unencrypted PKCS#8 PEM -> "BEGIN ENCRYPTED PRIVATE KEY" (PBES2, AES-256-CBC, what ACM exports). */
export function encryptPrivateKey(privateKeyPem: string, passphrase: string): string {
  assertPassphrase(passphrase, 'failed to encrypt the private key');
  let key;
  try {
    key = createPrivateKey({key: privateKeyPem, format: 'pem'});
  } catch {
    throw new UserError({
      what: 'failed to encrypt the private key',
      why: 'the input is not an unencrypted PEM private key',
      fix: 'pass the "BEGIN PRIVATE KEY" PEM produced by generateKey',
    });
  }
  return key.export({type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase}) as string;
}

/** "BEGIN ENCRYPTED PRIVATE KEY" -> unencrypted PKCS#8 PEM. A wrong passphrase is a UserError. */
export function decryptPrivateKey(encryptedPem: string, passphrase: string): string {
  if (!encryptedPem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) {
    throw new UserError({
      what: 'failed to decrypt the private key',
      why: 'it is not an encrypted PKCS#8 key ("BEGIN ENCRYPTED PRIVATE KEY")',
      fix: 'pass the encrypted key file the wizard wrote, e.g. client1.key.pem',
    });
  }
  try {
    const key = createPrivateKey({key: encryptedPem, format: 'pem', passphrase});
    return key.export({type: 'pkcs8', format: 'pem'}) as string;
  } catch {
    // OpenSSL cannot tell a wrong passphrase from a damaged file (both fail the padding check).
    throw new UserError({
      what: 'failed to decrypt the private key',
      why: 'the passphrase is wrong, or the key file is damaged',
      fix: 'enter the passphrase chosen when the key was created (or set MTLS_WIZARD_PASSPHRASE)',
      field: 'passphrase',
    });
  }
}
