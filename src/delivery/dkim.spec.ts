import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import { readMailTag } from '../common/mail/mail-tags';
import { loadConfig } from '../config/config';
import { DeliveryMetrics } from './delivery-metrics';
import { DkimKeyError, DkimSigner, loadDkimKey } from './dkim';
import { MailTransportService } from './mail-transport.service';
import { composePlainLetter } from './mime';

const SECRET = 'unit-secret-that-is-long-enough-0123456789';
const LETTER_ID = '3f2b8c1e-5d4a-4e6f-9a7b-0c1d2e3f4a5b';

describe(DkimSigner.name, () => {
  let dir: string;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'der' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  /** DNS as the test publishes it: only the selector's TXT record exists. */
  const resolver = async (name: string, rrtype: string): Promise<string[][]> => {
    if (rrtype === 'TXT' && name === 'qalam._domainkey.letters.example.org') return [[`v=DKIM1; k=rsa; p=${rsa.publicKey.toString('base64')}`]];
    throw Object.assign(new Error(`no ${rrtype} for ${name}`), { code: 'ENOTFOUND' });
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qalam-dkim-unit-'));
    await writeFile(join(dir, 'rsa.pem'), rsa.privateKey, { mode: 0o600 });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe(loadDkimKey.name, () => {
    it('reads an RSA private key', () => {
      expect(loadDkimKey(join(dir, 'rsa.pem')).asymmetricKeyType).toBe('rsa');
    });

    it('names a file it cannot read', () => {
      expect(() => loadDkimKey(join(dir, 'missing.pem'))).toThrow(new DkimKeyError(`DKIM_PRIVATE_KEY_FILE: cannot read ${join(dir, 'missing.pem')} (ENOENT)`));
    });

    it('refuses a file that is no private key, or a key it cannot sign with, never showing its contents', async () => {
      const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
      await writeFile(join(dir, 'text.pem'), 'secret words, not a key\n');
      await writeFile(join(dir, 'public.pem'), ec.publicKey);
      await writeFile(join(dir, 'ec.pem'), ec.privateKey);
      const errors = ['text.pem', 'public.pem', 'ec.pem'].map((file) => {
        try {
          loadDkimKey(join(dir, file));
          return null;
        } catch (error) {
          return error as Error;
        }
      });
      expect(errors.map((error) => error instanceof DkimKeyError)).toEqual([true, true, true]);
      expect(errors.map((error) => error?.message.replace(dir, '<dir>'))).toEqual([
        'DKIM_PRIVATE_KEY_FILE: <dir>/text.pem is not a PEM private key (make one with: qalam dkim generate)',
        'DKIM_PRIVATE_KEY_FILE: <dir>/public.pem is not a PEM private key (make one with: qalam dkim generate)',
        'DKIM_PRIVATE_KEY_FILE: <dir>/ec.pem holds a ec key; DKIM signing here needs an RSA key',
      ]);
    });
  });

  it('signs a letter that verifies, covering the headers receivers and RFC 8058 look at', async () => {
    const signer = new DkimSigner('letters.example.org', 'qalam', loadDkimKey(join(dir, 'rsa.pem')));
    const raw = composePlainLetter({
      fromName: 'Jane Doe via Org',
      fromAddress: 'letters@letters.example.org',
      to: 'prosecutor@gov.example',
      subject: 'Обращение',
      text: 'Уважаемый господин прокурор,\nпрошу освободить её.',
      messageId: '<letter-1@letters.example.org>',
      letterId: '1',
      date: new Date(),
      replyTo: 'reply+tag@in.letters.example.org',
      tag: 'tag',
      headers: { 'List-Unsubscribe': '<https://letters.example.org/api/unsubscribe/t>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
    const signed = await text(signer.sign(raw));
    expect(signed.startsWith('DKIM-Signature: ')).toBe(true);
    expect(signed.endsWith(raw.toString())).toBe(true);
    const result = await dkimVerify(signed, { resolver });
    expect(result.results.map((r) => [r.status.result, r.signingDomain, r.selector])).toEqual([['pass', 'letters.example.org', 'qalam']]);
    const signedHeaders = /\bh=([^;]+);/.exec(signed.replace(/\r\n[ \t]+/g, ''))![1].split(':');
    expect(signedHeaders).toEqual(expect.arrayContaining(['from', 'to', 'subject', 'date', 'message-id', 'reply-to', 'list-unsubscribe', 'list-unsubscribe-post']));

    const bodyAt = signed.indexOf('\r\n\r\n') + 4;
    const tampered = `${signed.slice(0, bodyAt)}1${signed.slice(bodyAt + 1)}`;
    expect(tampered).not.toBe(signed);
    // mailauth calls a body that no longer matches bh= `neutral`, and a signed header changed `fail`.
    expect((await dkimVerify(tampered, { resolver })).results[0].status).toEqual(expect.objectContaining({ result: 'neutral', comment: 'body hash did not verify' }));
    const retitled = signed.replace('\r\nTo: prosecutor@', '\r\nTo: spy@');
    expect(retitled).not.toBe(signed);
    expect((await dkimVerify(retitled, { resolver })).results[0].status).toEqual(expect.objectContaining({ result: 'fail', comment: 'bad signature' }));
  });

  describe(MailTransportService.name, () => {
    const transport = (env: Record<string, string>) =>
      new MailTransportService(loadConfig({ APP_SECRET: SECRET, MAIL_FROM: 'letters@letters.example.org', OUTBOX_DIR: join(dir, 'outbox', String(Math.random())), ...env }), new DeliveryMetrics());

    it('fails at boot on a key it cannot use', () => {
      expect(() => transport({ DKIM_DOMAIN: 'letters.example.org', DKIM_SELECTOR: 'qalam', DKIM_PRIVATE_KEY_FILE: join(dir, 'missing.pem') })).toThrow(DkimKeyError);
    });

    it('writes signed, tagged letters to the outbox', async () => {
      const env = { DKIM_DOMAIN: 'letters.example.org', DKIM_SELECTOR: 'qalam', DKIM_PRIVATE_KEY_FILE: join(dir, 'rsa.pem'), INBOUND_DOMAIN: 'in.letters.example.org', OUTBOX_DIR: join(dir, 'signed') };
      const sut = transport(env);
      const outcome = await sut.send({ letterId: LETTER_ID, fromName: 'Jane via Org', to: 'prosecutor@gov.example', subject: 'Release her', text: 'Please.', tag: { kind: 'letter', id: LETTER_ID } }, async () => undefined);
      expect(outcome.kind).toBe('sent');
      expect(await readdir(join(dir, 'signed'))).toEqual([`${LETTER_ID}.eml`]);
      const eml = await readFile(join(dir, 'signed', `${LETTER_ID}.eml`), 'utf8');
      const head = eml.slice(0, eml.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
      const tag = /^X-Qalam-Tag: (\S+)$/m.exec(head)?.[1] ?? '';
      expect(readMailTag(SECRET, tag)).toEqual({ kind: 'letter', id: LETTER_ID });
      expect(head).toMatch(new RegExp(`^Reply-To: reply\\+${tag}@in\\.letters\\.example\\.org$`, 'm'));
      expect(head).toMatch(new RegExp(`^Message-ID: <letter-${LETTER_ID}@letters\\.example\\.org>$`, 'm'));
      const result = await dkimVerify(eml, { resolver });
      expect(result.results.map((r) => r.status.result)).toEqual(['pass']);
    });

    it('without DKIM_* and INBOUND_DOMAIN, writes the letter as before: unsigned, no Reply-To, no tag', async () => {
      const sut = transport({ OUTBOX_DIR: join(dir, 'plain') });
      await sut.send({ letterId: LETTER_ID, fromName: 'Jane via Org', to: 'prosecutor@gov.example', subject: 'Release her', text: 'Please.', tag: { kind: 'letter', id: LETTER_ID } }, async () => undefined);
      const eml = await readFile(join(dir, 'plain', `${LETTER_ID}.eml`), 'utf8');
      expect(eml).not.toMatch(/^(DKIM-Signature|Reply-To|X-Qalam-Tag):/im);
      expect((await dkimVerify(eml, { resolver })).results.map((r) => r.status.result)).toEqual(['none']);
    });
  });
});
