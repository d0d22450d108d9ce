import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anAppeal } from './helpers/delivery';
import { aSupporter } from './helpers/factories';
import { headerOf, letters, memberMails, memberTokens, QueueWatch, tokenIn } from './helpers/member-mail';
import { envOf } from './helpers/processes';
import { countRows, messagesOf } from './helpers/responses';
import { SmtpSink } from './helpers/smtp-sink';
import { startTestApp, TestApp } from './helpers/test-app';
import { waitFor } from './helpers/wait';

const PUBLIC_URL = 'https://letters.example.org';
const CLI = join(__dirname, '..', 'dist', 'cli', 'qalam.js');

const aSignup = (overrides: Record<string, unknown> = {}) => ({
  email: 'Nadia.Joins@Members.Example',
  name: 'Nadia Joins',
  country: 'fr',
  city: 'Lyon',
  language: 'en',
  consent: true,
  consentVersion: '2025-05',
  ...overrides,
});

/** Runs the built command line against the test's database; resolves with its exit status and output. */
function runCli(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('members: joining with consent, confirming, importing', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let queue: QueueWatch;
  let coordinator: string;
  let dir: string;

  const supporter = async (email: string) => (await app.db.query(`SELECT * FROM supporters WHERE email = $1`, [email])).rows[0];
  const confirmationsTo = (email: string) => memberMails(sink, 'confirmation').filter((message) => message.to[0] === email);

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    app = await startTestApp('members', { SMTP_URL: sink.url, MAIL_FROM: 'letters@qalam.example', ORG_NAME: 'Pen Friends', PUBLIC_URL });
    queue = new QueueWatch(app.config);
    const body = aSupporter({ role: 'coordinator' });
    expect((await app.api.post('/api/supporters', body, app.adminToken)).status).toBe(201);
    coordinator = await app.api.login(body.email, body.password);
    dir = await mkdtemp(join(tmpdir(), 'qalam-members-'));
  });

  afterAll(async () => {
    await queue?.close();
    await app?.close();
    await sink?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses a signup without explicit consent, naming every bad field', async () => {
    for (const consent of [false, 'true', 'yes', undefined]) {
      const response = await app.api.post('/api/signup', aSignup({ consent }));
      expect(response.status).toBe(400);
      expect(messagesOf(response.body)).toEqual([expect.stringMatching(/^consent must be true/)]);
    }
    const bad = await app.api.post('/api/signup', aSignup({ email: 'nope', country: 'XX', consentVersion: undefined }));
    expect(bad.status).toBe(400);
    expect(messagesOf(bad.body).join('\n')).toEqual(expect.stringMatching(/email[\s\S]*country[\s\S]*consentVersion/));
    await expect(countRows(app.db, 'supporters', `email LIKE '%joins%'`)).resolves.toBe(0);
  });

  it('stores the consent, leaves the member unconfirmed, and mails a confirmation link', async () => {
    const response = await app.api.post('/api/signup', aSignup());
    expect(response.status).toBe(202);
    const stored = await supporter('nadia.joins@members.example');
    expect(stored).toEqual(
      expect.objectContaining({ name: 'Nadia Joins', country: 'FR', city: 'Lyon', role: 'member', consent_version: '2025-05', consented_at: expect.any(Date), confirmed_at: null, unsubscribed_at: null, password_hash: null }),
    );
    await waitFor(async () => (confirmationsTo(stored.email).length === 1 ? true : undefined), () => `confirmations: ${memberMails(sink, 'confirmation').length}`);
    const [confirmation] = confirmationsTo(stored.email);
    expect(confirmation.subject).toBe('Confirm that you want to join Pen Friends');
    const token = tokenIn(confirmation.text, PUBLIC_URL, '/join/confirm/');
    expect(memberTokens(app.config).verify('confirm', token)).toEqual({ supporterId: stored.id });
    expect(headerOf(confirmation, 'List-Unsubscribe')).toMatch(new RegExp(`^<${PUBLIC_URL}/api/unsubscribe/`));
    expect(headerOf(confirmation, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
  });

  it('answers a known address exactly as a new one, and changes nothing of a confirmed member', async () => {
    const member = aSupporter({ name: 'Known Member' });
    expect((await app.api.post('/api/supporters', member, coordinator)).status).toBe(201);
    const fresh = await app.api.post('/api/signup', aSignup({ email: 'someone.new@members.example' }));
    const known = await app.api.post('/api/signup', aSignup({ email: member.email, name: 'Someone Else' }));
    const staff = await app.api.post('/api/signup', aSignup({ email: 'admin@qalam.example' }));
    expect(known.status).toBe(fresh.status);
    expect(known.body).toEqual(fresh.body);
    expect(staff.body).toEqual(fresh.body);
    await waitFor(async () => (confirmationsTo('someone.new@members.example').length === 1 ? true : undefined), () => 'the new address has its confirmation');
    await queue.idle();
    expect(confirmationsTo(member.email)).toEqual([]);
    expect(confirmationsTo('admin@qalam.example')).toEqual([]);
    expect((await supporter(member.email)).name).toBe('Known Member');
  });

  it('gives an unconfirmed member no invitation and no letter, until the link is clicked', async () => {
    // Auto-sign would write letters in their name: it must wait for the confirmation too.
    await app.db.query(`UPDATE supporters SET auto_sign = true WHERE email = 'someone.new@members.example'`);
    const confirmed = aSupporter({ name: 'Confirmed Member' });
    expect((await app.api.post('/api/supporters', confirmed, coordinator)).status).toBe(201);

    const appeal = await anAppeal(app.api, coordinator, [{}], false);
    const cycle = await app.api.post('/api/cycles', { month: '2025-08', title: 'August', appealIds: [appeal.appealId] }, coordinator);
    expect((await app.api.post(`/api/cycles/${cycle.body.id}/open`, undefined, coordinator)).status).toBe(200);
    await waitFor(async () => (memberMails(sink, 'invitation').length >= 2 ? true : undefined), () => 'two invitations');
    await queue.idle();
    // The confirmed one, and the member the coordinator created in the test before: not the two who have not confirmed.
    const invited = memberMails(sink, 'invitation').map((message) => message.to[0]);
    expect(invited).toHaveLength(2);
    expect(invited).toContain(confirmed.email);
    expect(invited.filter((email) => /joins|someone\.new/.test(email))).toEqual([]);
    await expect(countRows(app.db, 'signatures', 'appeal_id = $1', [appeal.appealId])).resolves.toBe(0);
    expect(letters(sink)).toEqual([]);

    // Nadia clicks: a tampered link is refused, the genuine one confirms (twice is fine).
    const nadia = await supporter('nadia.joins@members.example');
    const token = tokenIn(confirmationsTo(nadia.email)[0].text, PUBLIC_URL, '/join/confirm/');
    const tampered = await app.api.post(`/api/signup/confirm/${token.slice(0, -2)}xx`);
    expect(tampered.status).toBe(404);
    expect(messagesOf(tampered.body)).toEqual([expect.stringMatching(/confirmation link is not valid/)]);
    expect((await app.api.post(`/api/signup/confirm/${token}`)).status).toBe(200);
    expect((await app.api.post(`/api/signup/confirm/${token}`)).body).toEqual({ confirmed: true });
    expect((await supporter(nadia.email)).confirmed_at).toEqual(expect.any(Date));

    const next = await anAppeal(app.api, coordinator, [{}], false);
    const september = await app.api.post('/api/cycles', { month: '2025-09', title: 'September', appealIds: [next.appealId] }, coordinator);
    expect((await app.api.post(`/api/cycles/${september.body.id}/open`, undefined, coordinator)).status).toBe(200);
    await waitFor(
      async () => (memberMails(sink, 'invitation').some((message) => message.to[0] === nadia.email) ? true : undefined),
      () => 'Nadia is invited once confirmed',
    );
  });

  it('imports members from the command line with a progress bar, keeping good rows and reporting bad ones by line', async () => {
    const file = join(dir, 'members.csv');
    await writeFile(
      file,
      [
        'email,name,country,city,language,autoSign,signatureStyle', // 1
        'ana@cli.example,Ana Cli,PT,Lisbon,pt,yes,full', // 2
        'not-an-email,Bad Row,CA,,en,no,full', // 3
        'ben@cli.example,Ben Cli,ca,,en,,initials', // 4
        'cat@cli.example,Cat Cli,CA', // 5: too few columns
        'admin@qalam.example,Renamed Admin,FR,,en,no,full', // 6: staff, not changed
        'ana@cli.example,Ana Again,PT,,pt,no,full', // 7: repeats line 2
      ].join('\n') + '\n',
    );
    const env = envOf(app.config);
    const run = await runCli(['import', 'supporters', file], env);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 2, stderr: expect.stringMatching(/Importing \|.*\| 100%/) });
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe(`${file}: 2 created, 0 updated, 2 skipped, 4 rows reported`);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}line 3: email must be an email address/),
      expect.stringMatching(/^ {2}line 5: the row has 3 columns where the header has 7/),
      expect.stringMatching(/^ {2}line 6: email belongs to a coordinator or admin/),
      expect.stringMatching(/^ {2}line 7: email repeats an earlier row/),
    ]);
    // No personal data from a bad row in the report beyond what names the problem.
    expect(run.stdout + run.stderr).not.toContain('Bad Row');

    const { rows } = await app.db.query(`SELECT email, name, country, language, auto_sign, signature_style, role, confirmed_at IS NOT NULL AS confirmed FROM supporters WHERE email LIKE '%@cli.example' ORDER BY email`);
    expect(rows).toEqual([
      { email: 'ana@cli.example', name: 'Ana Cli', country: 'PT', language: 'pt', auto_sign: true, signature_style: 'full', role: 'member', confirmed: true },
      { email: 'ben@cli.example', name: 'Ben Cli', country: 'CA', language: 'en', auto_sign: false, signature_style: 'initials', role: 'member', confirmed: true },
    ]);
    expect((await supporter('admin@qalam.example')).name).toBe('Administrator');

    // Run again as JSON: the same file now updates, and the API's importer answers alike.
    const again = await runCli(['import', 'supporters', file, '--json', '--no-progress'], env);
    expect(again.status).toBe(2);
    expect(again.stderr).toBe('');
    const report = JSON.parse(again.stdout);
    expect(report).toEqual(expect.objectContaining({ created: 0, updated: 2, skipped: 2 }));
    const viaApi = await app.api.request('POST', '/api/supporters/import', { token: coordinator, raw: await readFile(file, 'utf8'), contentType: 'text/csv' });
    expect(viaApi.status).toBe(201);
    expect(viaApi.body).toEqual(report);

    const missing = await runCli(['import', 'supporters', join(dir, 'nope.csv')], env);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no such file/);
    const usage = await runCli(['import', 'officials', file], env);
    expect(usage.status).toBe(64);
    expect(usage.stderr).toMatch(/Usage: qalam import supporters FILE\.csv/);
  });
});
