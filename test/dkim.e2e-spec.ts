import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authenticate } from 'mailauth';
import { parseTaggedAddress, readMailTag } from '../src/common/mail/mail-tags';
import { Browserish, csrfOf } from './helpers/console';
import { anAppeal } from './helpers/delivery';
import { aSupporter } from './helpers/factories';
import { headerOf, letters, memberMails } from './helpers/member-mail';
import { envOf, QalamProcess } from './helpers/processes';
import { ReceivedMessage, SmtpSink } from './helpers/smtp-sink';
import { dropTestState, startTestApp, testConfig, TestApp } from './helpers/test-app';
import { waitFor } from './helpers/wait';

const CLI = join(__dirname, '..', 'dist', 'cli', 'qalam.js');
const DOMAIN = 'letters.example.org';
const SELECTOR = 'e2e2026';
const INBOUND = 'in.letters.example.org';
const MAIL_FROM = `letters@${DOMAIN}`;
const PUBLIC_URL = 'https://letters.example.org';

function runCli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * DNS as an operator following the README publishes it: the TXT record exactly as
 * `qalam dkim generate` printed it, SPF for both domains (the sink's client is 127.0.0.1)
 * and DMARC for the sending domain. Anything else does not exist.
 */
function resolverFor(printedRecord: string): (name: string, rrtype: string) => Promise<string[][]> {
  const match = /^(\S+)\. IN TXT ((?:"[^"]*" ?)+)$/.exec(printedRecord);
  if (!match) throw new Error(`not a TXT record: ${printedRecord}`);
  const records = new Map<string, string[][]>([
    [`TXT ${match[1]}`, [[...match[2].matchAll(/"([^"]*)"/g)].map((part) => part[1])]],
    [`TXT ${DOMAIN}`, [['v=spf1 ip4:127.0.0.1 -all']]],
    [`TXT ${INBOUND}`, [['v=spf1 ip4:127.0.0.1 -all']]],
    [`TXT _dmarc.${DOMAIN}`, [[`v=DMARC1; p=quarantine; rua=mailto:dmarc@${DOMAIN}`]]],
  ]);
  return async (name, rrtype) => {
    const found = records.get(`${rrtype} ${name.replace(/\.$/, '').toLowerCase()}`);
    if (found) return found;
    throw Object.assign(new Error(`no ${rrtype} record for ${name}`), { code: 'ENOTFOUND' });
  };
}

type Resolver = ReturnType<typeof resolverFor>;

/** What a receiving server on 127.0.0.1 would conclude of a message received with this envelope sender. */
function authenticated(raw: string, sender: string, resolver: Resolver) {
  return authenticate(raw, { resolver, sender, ip: '127.0.0.1', helo: 'qalam.test', mta: 'mx.gov.example', disableArc: true, disableBimi: true });
}

function signedHeadersOf(raw: string): string[] {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  return (/^DKIM-Signature:.*\bh=([^;]+);/im.exec(head)?.[1] ?? '').split(':').map((name) => name.trim());
}

/** The envelope sender's tag, checked as the inbound side will: signed with the app's secret. */
function envelopeTag(message: ReceivedMessage, secret: string): { tag: string; names: ReturnType<typeof readMailTag> } {
  const parsed = parseTaggedAddress(message.from, INBOUND);
  expect(parsed?.purpose).toBe('bounce');
  return { tag: parsed!.tag, names: readMailTag(secret, parsed!.tag) };
}

describe('DKIM, SPF and DMARC of outgoing mail, tagged envelope senders and Reply-To', () => {
  let dir: string;
  let sink: SmtpSink;
  let keyFile: string;
  let resolver: Resolver;
  let generated: { stdout: string; status: number | null };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qalam-dkim-e2e-'));
    sink = await new SmtpSink().start();
    keyFile = join(dir, 'keys', `${SELECTOR}.private.pem`);
    // The operator's way: the built command line writes the key and prints the record.
    generated = await runCli(['dkim', 'generate', '--domain', DOMAIN, '--selector', SELECTOR, '--out', keyFile]);
    const record = generated.stdout.split('\n').find((line) => line.startsWith(`${SELECTOR}._domainkey.`));
    if (generated.status !== 0 || !record) throw new Error(`qalam dkim generate: ${generated.status}\n${generated.stdout}`);
    resolver = resolverFor(record);
  });

  afterAll(async () => {
    await sink?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('qalam dkim generate prints the settings to use the key, and refuses to overwrite it', async () => {
    expect(generated.stdout).toContain(`DKIM_DOMAIN=${DOMAIN}\nDKIM_SELECTOR=${SELECTOR}\nDKIM_PRIVATE_KEY_FILE=${keyFile}\n`);
    const before = await readFile(keyFile, 'utf8');
    const again = await runCli(['dkim', 'generate', '--domain', DOMAIN, '--selector', SELECTOR, '--out', keyFile]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`${keyFile} exists already; pass --force to replace it`);
    await expect(readFile(keyFile, 'utf8')).resolves.toBe(before);
    const usage = await runCli(['dkim', 'generate', '--selector', SELECTOR]);
    expect([usage.status, usage.stderr.split('\n')[0]]).toEqual([64, 'qalam: dkim generate needs --domain']);
  });

  describe('with DKIM_* and INBOUND_DOMAIN, over SMTP', () => {
    let app: TestApp;
    let coordinator: string;
    let coordinatorEmail: string;

    beforeAll(async () => {
      app = await startTestApp('dkim_smtp', {
        SMTP_URL: sink.url,
        MAIL_FROM,
        PUBLIC_URL,
        ORG_NAME: 'Pen Friends',
        DKIM_DOMAIN: DOMAIN,
        DKIM_SELECTOR: SELECTOR,
        DKIM_PRIVATE_KEY_FILE: keyFile,
        INBOUND_DOMAIN: INBOUND,
      });
      const body = aSupporter({ role: 'coordinator' });
      expect((await app.api.post('/api/supporters', body, app.adminToken)).status).toBe(201);
      coordinator = await app.api.login(body.email, body.password);
      coordinatorEmail = body.email;
    });

    afterAll(async () => {
      await app?.close();
    });

    it('signs every letter of a real appeal; each goes from bounce+<its tag> with Reply-To reply+<the same tag>', async () => {
      const appeal = await anAppeal(app.api, coordinator, [{}, {}]);
      const memberBody = aSupporter({ name: 'Zoë Hernández' });
      expect((await app.api.post('/api/supporters', memberBody, coordinator)).status).toBe(201);
      const member = await app.api.login(memberBody.email, memberBody.password);
      const signed = await app.api.post(`/api/appeals/${appeal.appealId}/signatures`, { note: 'Освободите её, пожалуйста.' }, member);
      expect(signed.status).toBe(201);
      const letterIds: string[] = signed.body.letters.map((letter: { id: string }) => letter.id);
      expect(letterIds).toHaveLength(2);

      const received = await waitFor(
        async () => {
          const found = letters(sink).filter((message) => letterIds.includes(message.letterId!));
          return found.length === 2 ? found : undefined;
        },
        async () => `letters at the sink: ${JSON.stringify((await app.db.query('SELECT id, status, last_error FROM letters WHERE id = ANY($1)', [letterIds])).rows)}`,
        60_000,
      );
      for (const message of received) {
        const { tag, names } = envelopeTag(message, app.config.appSecret);
        expect(names).toEqual({ kind: 'letter', id: message.letterId });
        expect(headerOf(message, 'Reply-To')).toBe(`reply+${tag}@${INBOUND}`);
        expect(headerOf(message, 'X-Qalam-Tag')).toBe(tag);
        expect(headerOf(message, 'From')).toMatch(new RegExp(`<${MAIL_FROM}>$`));
        expect(message.messageId).toBe(`<letter-${message.letterId}@${DOMAIN}>`);
        expect(signedHeadersOf(message.raw)).toEqual(expect.arrayContaining(['from', 'to', 'subject', 'date', 'message-id', 'reply-to']));

        const result = await authenticated(message.raw, message.from, resolver);
        expect(result.dkim.results.map((r) => [r.status.result, r.signingDomain, r.selector, r.status.aligned])).toEqual([['pass', DOMAIN, SELECTOR, DOMAIN]]);
        expect(result.headers).toMatch(new RegExp(`dkim=pass header\\.i=@${DOMAIN.replace(/\./g, '\\.')} header\\.s=${SELECTOR}`));
        // The envelope sender's domain is a subdomain with its own SPF record: SPF passes and aligns (relaxed), so DMARC passes.
        expect(result.spf && result.spf.status.result).toBe('pass');
        expect(result.dmarc && result.dmarc.status.result).toBe('pass');
      }
      // Each letter its own tag.
      expect(new Set(received.map((message) => message.from)).size).toBe(2);
      await expect(app.db.query(`SELECT count(*)::int AS n FROM letters WHERE id = ANY($1) AND status = 'sent'`, [letterIds]).then((r) => r.rows[0].n)).resolves.toBe(2);
    });

    it('signs member mail (a confirmation, an invitation, a password link): envelope sender bounce+<the member tag>, no Reply-To', async () => {
      const signup = await app.api.post('/api/signup', { email: 'nadia.joins@members.example', name: 'Nadia Joins', country: 'fr', city: 'Lyon', language: 'en', consent: true, consentVersion: '2025-05' });
      expect(signup.status).toBe(202);
      const nadia = (await app.db.query(`SELECT id FROM supporters WHERE email = $1`, ['nadia.joins@members.example'])).rows[0].id as string;
      const confirmation = await waitFor(
        async () => memberMails(sink, 'confirmation').find((message) => message.to[0] === 'nadia.joins@members.example'),
        () => `confirmations: ${memberMails(sink, 'confirmation').length}`,
      );

      const invitee = aSupporter();
      const created = await app.api.post('/api/supporters', invitee, coordinator);
      expect(created.status).toBe(201);
      const appeal = await anAppeal(app.api, coordinator, [{}]);
      const cycle = await app.api.post('/api/cycles', { month: '2025-08', title: 'August', appealIds: [appeal.appealId] }, coordinator);
      expect((await app.api.post(`/api/cycles/${cycle.body.id}/open`, undefined, coordinator)).status).toBe(200);
      const invitation = await waitFor(
        async () => memberMails(sink, 'invitation').find((message) => message.to[0] === invitee.email),
        () => `invitations: ${memberMails(sink, 'invitation').map((message) => message.to[0]).join(', ')}`,
      );

      const browser = new Browserish(app.api.baseUrl);
      const form = await browser.get('/password/forgot');
      expect((await browser.post('/password/forgot', { _csrf: csrfOf(form.body), email: coordinatorEmail })).status).toBe(200);
      const reset = await waitFor(
        async () => sink.messages.find((message) => message.to[0] === coordinatorEmail && message.messageId.startsWith('<account-password-reset-')),
        () => 'the password link at the sink',
      );
      const coordinatorId = (await app.db.query(`SELECT id FROM supporters WHERE email = $1`, [coordinatorEmail])).rows[0].id as string;

      for (const [message, supporterId] of [
        [confirmation, nadia],
        [invitation, created.body.id as string],
        [reset, coordinatorId],
      ] as const) {
        const { tag, names } = envelopeTag(message, app.config.appSecret);
        expect(names).toEqual({ kind: 'member', id: supporterId });
        expect(headerOf(message, 'X-Qalam-Tag')).toBe(tag);
        expect(headerOf(message, 'Reply-To')).toBeUndefined();
        expect(signedHeadersOf(message.raw)).toEqual(expect.arrayContaining(['from', 'to', 'subject', 'date', 'message-id']));
        // Newsletters' one-click unsubscribe is signed; a password link has none.
        if (message !== reset) expect(signedHeadersOf(message.raw)).toEqual(expect.arrayContaining(['list-unsubscribe', 'list-unsubscribe-post']));
        const result = await authenticated(message.raw, message.from, resolver);
        expect(result.dkim.results.map((r) => [r.status.result, r.signingDomain, r.selector])).toEqual([['pass', DOMAIN, SELECTOR]]);
        expect(result.dmarc && result.dmarc.status.result).toBe('pass');
      }
    });

    it('a message changed after signing does not pass: a body byte (body hash), a signed header (bad signature)', async () => {
      // A signed letter the sink received in the test above.
      const message = letters(sink).find((candidate) => headerOf(candidate, 'DKIM-Signature') !== undefined)!;
      expect(message).toBeDefined();
      const bodyAt = message.raw.indexOf('\r\n\r\n') + 4;
      const flipped = message.raw[bodyAt] === 'A' ? 'B' : 'A';
      const tampered = `${message.raw.slice(0, bodyAt)}${flipped}${message.raw.slice(bodyAt + 1)}`;
      expect(tampered).not.toBe(message.raw);
      const body = await authenticated(tampered, message.from, resolver);
      expect(body.dkim.results.map((r) => [r.status.result, r.status.comment])).toEqual([['neutral', 'body hash did not verify']]);
      expect(body.headers).not.toMatch(/dkim=pass/);

      const readdressed = message.raw.replace(/\r\nSubject: /, '\r\nSubject: Re: ');
      expect(readdressed).not.toBe(message.raw);
      const header = await authenticated(readdressed, message.from, resolver);
      expect(header.dkim.results.map((r) => [r.status.result, r.status.comment])).toEqual([['fail', 'bad signature']]);
      expect(header.headers).toMatch(/dkim=fail/);
    });
  });

  it('signs letters written to the outbox (SMTP_URL unset)', async () => {
    const app = await startTestApp('dkim_outbox', { MAIL_FROM, DKIM_DOMAIN: DOMAIN, DKIM_SELECTOR: SELECTOR, DKIM_PRIVATE_KEY_FILE: keyFile });
    try {
      const body = aSupporter({ role: 'coordinator' });
      expect((await app.api.post('/api/supporters', body, app.adminToken)).status).toBe(201);
      const coordinator = await app.api.login(body.email, body.password);
      const appeal = await anAppeal(app.api, coordinator, [{}]);
      const memberBody = aSupporter();
      expect((await app.api.post('/api/supporters', memberBody, coordinator)).status).toBe(201);
      const signed = await app.api.post(`/api/appeals/${appeal.appealId}/signatures`, {}, await app.api.login(memberBody.email, memberBody.password));
      expect(signed.status).toBe(201);
      const letterId: string = signed.body.letters[0].id;
      const file = join(app.config.outboxDir, `${letterId}.eml`);
      const eml = await waitFor(
        async () => ((await readdir(app.config.outboxDir).catch((): string[] => [])).includes(`${letterId}.eml`) ? readFile(file, 'utf8') : undefined),
        async () => `outbox: ${JSON.stringify((await app.db.query('SELECT status, last_error FROM letters WHERE id = $1', [letterId])).rows)}`,
        60_000,
      );
      expect(eml.startsWith('DKIM-Signature: ')).toBe(true);
      // Without INBOUND_DOMAIN: no Reply-To, no tag.
      expect(eml.slice(0, eml.indexOf('\r\n\r\n'))).not.toMatch(/^(Reply-To|X-Qalam-Tag):/im);
      const result = await authenticated(eml, MAIL_FROM, resolver);
      expect(result.dkim.results.map((r) => [r.status.result, r.signingDomain, r.selector])).toEqual([['pass', DOMAIN, SELECTOR]]);
    } finally {
      await app.close();
    }
  });

  it('without DKIM_* and INBOUND_DOMAIN, mail goes as before: unsigned, from MAIL_FROM, no Reply-To, no tag', async () => {
    const app = await startTestApp('dkim_none', { SMTP_URL: sink.url, MAIL_FROM });
    try {
      const body = aSupporter({ role: 'coordinator' });
      expect((await app.api.post('/api/supporters', body, app.adminToken)).status).toBe(201);
      const coordinator = await app.api.login(body.email, body.password);
      const appeal = await anAppeal(app.api, coordinator, [{}]);
      const memberBody = aSupporter();
      expect((await app.api.post('/api/supporters', memberBody, coordinator)).status).toBe(201);
      const signed = await app.api.post(`/api/appeals/${appeal.appealId}/signatures`, {}, await app.api.login(memberBody.email, memberBody.password));
      expect(signed.status).toBe(201);
      const letterId: string = signed.body.letters[0].id;
      const message = await waitFor(async () => letters(sink).find((candidate) => candidate.letterId === letterId), () => `letter ${letterId} at the sink`, 60_000);
      expect(message.from).toBe(MAIL_FROM);
      expect([headerOf(message, 'DKIM-Signature'), headerOf(message, 'Reply-To'), headerOf(message, 'X-Qalam-Tag')]).toEqual([undefined, undefined, undefined]);
      const result = await authenticated(message.raw, message.from, resolver);
      expect(result.dkim.results.map((r) => r.status.result)).toEqual(['none']);
      expect(result.headers).toMatch(/dkim=none/);
    } finally {
      await app.close();
    }
  });

  it('refuses to start with a key file that is not a private key, naming the file and never its contents', async () => {
    const bad = join(dir, 'not-a-key.pem');
    await writeFile(bad, 'top secret words\n');
    const config = testConfig('dkim_bad_key', { MAIL_FROM });
    const qalam = new QalamProcess(envOf(config, { QALAM_ROLE: 'worker', DKIM_DOMAIN: DOMAIN, DKIM_SELECTOR: SELECTOR, DKIM_PRIVATE_KEY_FILE: bad }));
    try {
      const status = await waitFor(async () => qalam.child.exitCode ?? undefined, () => `still running:\n${qalam.output}`, 60_000);
      expect(status).toBe(1);
      expect(qalam.output).toContain(`DKIM_PRIVATE_KEY_FILE: ${bad} is not a PEM private key`);
      expect(qalam.output).not.toContain('top secret words');
    } finally {
      await qalam.stop();
      await dropTestState(config);
    }
  });
});
