import { generateKeyPair } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';

export interface DkimGenerateOptions {
  domain: string;
  selector: string;
  /** Where the private key goes; default `./var/dkim/<selector>.private.pem`. */
  file?: string;
  /** RSA modulus length; 2048 by default (RFC 8301: at least 1024, 2048 recommended). */
  bits?: number;
  /** Replace a key file that exists already (its old key stops verifying once DNS changes). */
  force?: boolean;
}

export interface DkimKeyMade {
  /** The private key file's absolute path. */
  file: string;
  /** `<selector>._domainkey.<domain>.` */
  name: string;
  /** The TXT value: `v=DKIM1; k=rsa; p=<base64 SPKI>`. */
  value: string;
  /** The zone-file line to publish, its value split into strings of 255 characters. */
  record: string;
  /** DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE, as lines of an environment file. */
  env: string[];
}

/** Why the key cannot be made as asked: a usage error, nothing written. */
export class DkimGenerateError extends Error {}

/** The key file exists and `force` was not given: it is left as it was. */
export class DkimKeyFileExists extends Error {}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
const SELECTOR = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** A TXT value as the quoted strings of a zone file: no string may hold more than 255 characters. */
export function txtStrings(value: string): string[] {
  const strings: string[] = [];
  for (let start = 0; start < value.length; start += 255) strings.push(value.slice(start, start + 255));
  return strings;
}

/** The DNS record that publishes a DKIM public key (DER SubjectPublicKeyInfo). */
export function dkimRecord(selector: string, domain: string, publicKeyDer: Buffer): Pick<DkimKeyMade, 'name' | 'value' | 'record'> {
  const name = `${selector}._domainkey.${domain}.`;
  const value = `v=DKIM1; k=rsa; p=${publicKeyDer.toString('base64')}`;
  return { name, value, record: `${name} IN TXT ${txtStrings(value).map((part) => `"${part}"`).join(' ')}` };
}

/**
 * Makes an RSA key pair, writes the private key (PKCS#8 PEM, mode 0600; an existing file
 * only with `force`) and returns the DNS record and the settings to use it.
 */
export async function generateDkimKey(options: DkimGenerateOptions): Promise<DkimKeyMade> {
  const domain = options.domain.toLowerCase().replace(/\.$/, '');
  const selector = options.selector.toLowerCase();
  const bits = options.bits ?? 2048;
  if (!DOMAIN.test(domain)) throw new DkimGenerateError(`--domain must be a domain name, not ${JSON.stringify(options.domain)}`);
  if (!SELECTOR.test(selector)) throw new DkimGenerateError(`--selector must be a DNS label, not ${JSON.stringify(options.selector)}`);
  if (!Number.isInteger(bits) || bits < 1024 || bits > 8192) throw new DkimGenerateError('--bits must be a whole number from 1024 to 8192 (2048 is the usual size)');
  const file = resolve(options.file ?? `./var/dkim/${selector}.private.pem`);

  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  try {
    // 'wx' fails if the file exists: an existing key is never replaced by accident.
    await writeFile(file, privateKey, { mode: 0o600, flag: options.force ? 'w' : 'wx' });
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') throw new DkimKeyFileExists(`${file} exists already; pass --force to replace it`);
    throw error;
  }
  // An existing file replaced with --force keeps its old mode: set it.
  await chmod(file, 0o600);
  return { file, ...dkimRecord(selector, domain, publicKey), env: [`DKIM_DOMAIN=${domain}`, `DKIM_SELECTOR=${selector}`, `DKIM_PRIVATE_KEY_FILE=${file}`] };
}
