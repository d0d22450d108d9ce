import { createPrivateKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import DKIM from 'nodemailer/lib/dkim';
import { QalamConfig } from '../config/config';

/** The DKIM key could not be used: the process must not start and send unsigned mail. */
export class DkimKeyError extends Error {}

/**
 * Reads and parses DKIM_PRIVATE_KEY_FILE once. The errors name the file and what is wrong
 * with it, never its contents. Nodemailer signs with RSA-SHA256 and leaves a message
 * unsigned when the key cannot sign, so anything but an RSA private key is refused here.
 */
export function loadDkimKey(file: string): KeyObject {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (error) {
    throw new DkimKeyError(`DKIM_PRIVATE_KEY_FILE: cannot read ${file} (${(error as { code?: string }).code ?? 'error'})`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new DkimKeyError(`DKIM_PRIVATE_KEY_FILE: ${file} is not a PEM private key (make one with: qalam dkim generate)`);
  } finally {
    pem.fill(0);
  }
  if (key.asymmetricKeyType !== 'rsa') throw new DkimKeyError(`DKIM_PRIVATE_KEY_FILE: ${file} holds a ${key.asymmetricKeyType ?? 'non-RSA'} key; DKIM signing here needs an RSA key`);
  return key;
}

/**
 * Signs outgoing mail with Nodemailer's own DKIM signer (the one its Mailer uses), over
 * Nodemailer's default headers: From, Sender, Reply-To, Subject, Date, Message-ID, To, the
 * MIME headers and List-Unsubscribe(-Post) among them. The key is parsed once at boot.
 */
export class DkimSigner {
  private readonly dkim: DKIM;

  constructor(readonly domain: string, readonly selector: string, privateKey: KeyObject) {
    this.dkim = new DKIM({ domainName: domain, keySelector: selector, privateKey });
  }

  /** The signer of this configuration, or null when DKIM_* is unset (mail goes unsigned). */
  static fromConfig(config: Pick<QalamConfig, 'dkim'>): DkimSigner | null {
    if (!config.dkim) return null;
    return new DkimSigner(config.dkim.domain, config.dkim.selector, loadDkimKey(config.dkim.privateKeyFile));
  }

  /** The message with its DKIM-Signature header first, as a stream: the signer keeps the body's chunks, no copy of its own. */
  sign(raw: Buffer): Readable {
    return this.dkim.sign(raw);
  }
}
