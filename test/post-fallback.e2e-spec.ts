import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { LetterQueueService } from '../src/delivery/letter-queue.service';
import { LetterSenderService } from '../src/delivery/letter-sender.service';
import { ReconcilerService } from '../src/delivery/reconciler.service';
import { LettersRepository } from '../src/letters/letters.repository';
import { aCase, anAppealTemplate, anOfficial, aSupporter } from './helpers/factories';
import { SmtpSink } from './helpers/smtp-sink';
import { startTestApp, TestApp } from './helpers/test-app';
import { waitFor } from './helpers/wait';

interface FallbackLetter {
  id: string;
  official_id: string;
  status: string;
  channel: string | null;
  attempts: number;
  last_error: string | null;
  batch_id: string;
}

/**
 * email-then-post: a letter whose address email refuses for good, or is suppressed, goes to
 * post exactly once (queued, channel post) and is never emailed again, whatever the worker,
 * the reconciler or a rerun of its batch do; an email-only appeal's letter fails as before.
 */
describe('email-then-post falls back to post', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let coordinator: string;
  let caseId: string;
  let templateId: string;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    sink.reply = (message) => (message.to[0] === 'gone@tj-gov.example' ? { code: 550, message: '550 5.1.1 Mailbox unavailable' } : { accept: true });
    app = await startTestApp('post_fallback', { SMTP_URL: sink.url, MAIL_FROM: 'letters@qalam.example', RECONCILE_SECONDS: '1', ORG_POSTAL_ADDRESS: '12 Rue des Lilas\\n75011 Paris', PRINT_DIR: mkdtempSync(join(tmpdir(), 'qalam-print-')) });
    const body = aSupporter({ role: 'coordinator' });
    expect((await app.api.post('/api/supporters', body, app.adminToken)).status).toBe(201);
    coordinator = await app.api.login(body.email, body.password);
    caseId = (await app.api.post('/api/cases', aCase(), coordinator)).body.id;
    templateId = (await app.api.post('/api/templates', anAppealTemplate(), coordinator)).body.id;
  });

  afterAll(async () => {
    await app?.close();
    await sink?.stop();
  });

  const official = async (overrides: Record<string, unknown>): Promise<{ id: string }> => {
    const response = await app.api.post('/api/officials', anOfficial(overrides), coordinator);
    expect(response.status).toBe(201);
    return response.body;
  };

  const launchedAppeal = async (channel: string, officialIds: string[]): Promise<string> => {
    const created = await app.api.post('/api/appeals', { caseId, title: `By ${channel}`, templateIds: [templateId], officialIds, channel }, coordinator);
    expect(created.status).toBe(201);
    expect((await app.api.post(`/api/appeals/${created.body.id}/launch`, undefined, coordinator)).status).toBe(200);
    return created.body.id;
  };

  const sign = async (appealId: string): Promise<void> => {
    const body = aSupporter();
    expect((await app.api.post('/api/supporters', body, coordinator)).status).toBe(201);
    const token = await app.api.login(body.email, body.password);
    expect((await app.api.post(`/api/appeals/${appealId}/signatures`, {}, token)).status).toBe(201);
  };

  const lettersOf = async (appealId: string): Promise<FallbackLetter[]> =>
    (await app.db.query<FallbackLetter>(`SELECT id, official_id, status, channel, attempts, last_error, batch_id::text FROM letters WHERE appeal_id = $1 ORDER BY created_at, id`, [appealId])).rows;

  /** Waits until none of the appeal's letters is on its way by email (queued for email, or sending). */
  const settled = (appealId: string): Promise<FallbackLetter[]> =>
    waitFor(
      async () => {
        const letters = await lettersOf(appealId);
        return letters.every((letter) => letter.status !== 'sending' && !(letter.status === 'queued' && letter.channel === null)) ? letters : undefined;
      },
      async () => `letters: ${JSON.stringify(await lettersOf(appealId))}`,
    );

  const statsOf = async (appealId: string): Promise<Record<string, number>> => {
    const response = await app.api.get(`/api/stats/appeals/${appealId}`, coordinator);
    expect(response.status).toBe(200);
    return response.body.letters;
  };

  /** Everything that could email a letter again: the reconciler (past its grace), enqueueing its batch, and a rerun of its batch's job. */
  const driveEveryRoad = async (letters: FallbackLetter[]): Promise<void> => {
    await app.db.query(`UPDATE letters SET updated_at = now() - interval '1 hour' WHERE id = ANY($1::uuid[])`, [letters.map((letter) => letter.id)]);
    await app.nest.get(ReconcilerService, { strict: false }).reconcile();
    const batches = [...new Set(letters.map((letter) => letter.batch_id))];
    await expect(app.nest.get(LetterQueueService, { strict: false }).enqueueBatches(batches)).resolves.toBe(0);
    const sender = app.nest.get(LetterSenderService, { strict: false });
    for (const batch of batches) {
      const result = await sender.sendBatch(batch, letters.filter((letter) => letter.batch_id === batch).map((letter) => letter.id));
      expect(result.claimed).toBe(0);
    }
  };

  let goneId: string;

  it('sends the letter the server takes, and queues the refused one for post once, its address suppressed', async () => {
    const here = await official({ email: 'here@tj-gov.example' });
    const gone = await official({ email: 'gone@tj-gov.example', postalAddress: 'Prospekt Rudaki 80\n734023 Dushanbe' });
    goneId = gone.id;
    const appealId = await launchedAppeal('email-then-post', [here.id, gone.id]);
    await sign(appealId);
    const letters = await settled(appealId);

    const toHere = letters.find((letter) => letter.official_id === here.id)!;
    const toGone = letters.find((letter) => letter.official_id === gone.id)!;
    expect(toHere).toEqual(expect.objectContaining({ status: 'sent', channel: null, attempts: 1 }));
    expect(toGone).toEqual(expect.objectContaining({ status: 'queued', channel: 'post', attempts: 1 }));
    expect(toGone.last_error).toMatch(/^refused by email \(550 .*5\.1\.1 Mailbox unavailable\); waits for post$/);
    expect(sink.receptions.get(toGone.id)).toBe(1);
    const { rows: suppressed } = await app.db.query(`SELECT address, reason FROM suppressions WHERE address = 'gone@tj-gov.example'`);
    expect(suppressed).toEqual([{ address: 'gone@tj-gov.example', reason: expect.stringMatching(/^550 .*5\.1\.1 Mailbox unavailable$/) }]);

    await driveEveryRoad(letters);

    await expect(lettersOf(appealId)).resolves.toEqual(expect.arrayContaining([expect.objectContaining({ id: toGone.id, status: 'queued', channel: 'post', attempts: 1 })]));
    expect(sink.receptions.get(toGone.id)).toBe(1);
    expect(sink.receptions.get(toHere.id)).toBe(1);
    await expect(statsOf(appealId)).resolves.toEqual(expect.objectContaining({ total: 2, sent: 1, queued: 1, failed: 0, sending: 0 }));

    // Printed exactly once: the next print run takes it, a second finds nothing, and it is never emailed again.
    const started = await app.api.post('/api/print-runs', { appealId, kind: 'letters' }, coordinator);
    expect(started.status).toBe(202);
    expect(started.body.letters).toBe(1);
    const run = await waitFor(
      async () => {
        const seen = (await app.api.get(`/api/print-runs/${started.body.id}`, coordinator)).body;
        return seen.status === 'rendering' ? undefined : seen;
      },
      () => 'the print run is still rendering',
      60_000,
    );
    expect(run).toMatchObject({ status: 'ready', letters: 1 });
    expect((await app.api.post('/api/print-runs', { appealId, kind: 'letters' }, coordinator)).status).toBe(409);
    const { rows: printed } = await app.db.query(`SELECT id, status, print_run_id FROM letters WHERE appeal_id = $1 AND status = 'printed'`, [appealId]);
    expect(printed).toEqual([{ id: toGone.id, status: 'printed', print_run_id: run.id }]);
    const manifest = await fetch(`${app.api.baseUrl}${run.files[2].url}`, { headers: { authorization: `Bearer ${coordinator}` } });
    const manifestRows = (await manifest.text()).trim().split('\n').slice(1);
    expect(manifestRows).toHaveLength(1);
    expect(manifestRows[0].startsWith(`${toGone.id},`)).toBe(true);
    await driveEveryRoad(letters);
    expect(sink.receptions.get(toGone.id)).toBe(1);
  });

  it('sends a later letter to the suppressed address straight to post, in this appeal and in another, without touching SMTP', async () => {
    const receptions = sink.receptions.size;
    const here = await official({ email: 'also-here@tj-gov.example' });
    const appealId = await launchedAppeal('email-then-post', [here.id, goneId]);
    await sign(appealId);
    await sign(appealId);
    const letters = await settled(appealId);

    const toGone = letters.filter((letter) => letter.official_id === goneId);
    expect(toGone).toHaveLength(2);
    for (const letter of toGone) {
      expect(letter).toEqual(expect.objectContaining({ status: 'queued', channel: 'post' }));
      expect(letter.last_error).toBe('suppressed (the address was suppressed after a permanent refusal); waits for post');
      expect(sink.receptions.has(letter.id)).toBe(false);
    }
    expect(letters.filter((letter) => letter.official_id === here.id).map((letter) => letter.status)).toEqual(['sent', 'sent']);
    expect(sink.receptions.size).toBe(receptions + 2);

    await driveEveryRoad(letters);

    expect(sink.receptions.size).toBe(receptions + 2);
    await expect(statsOf(appealId)).resolves.toEqual(expect.objectContaining({ total: 4, sent: 2, queued: 2, failed: 0 }));
    const { rows } = await app.db.query<{ status: string; count: number }>(`SELECT status, sum(count)::int AS count FROM letter_counts WHERE appeal_id = $1 GROUP BY status HAVING sum(count) <> 0 ORDER BY status`, [appealId]);
    expect(rows).toEqual([
      { status: 'queued', count: 2 },
      { status: 'sent', count: 2 },
    ]);
  });

  it('fails the letter of an email-only appeal to the suppressed address, as before', async () => {
    const appealId = await launchedAppeal('email', [goneId]);
    await sign(appealId);
    const [letter] = await settled(appealId);
    expect(letter).toEqual(expect.objectContaining({ status: 'failed', channel: null, last_error: 'the address was suppressed after a permanent refusal' }));
    expect(sink.receptions.has(letter.id)).toBe(false);
  });

  it('queueForPost moves failed and bounced letters of email-then-post appeals to post once, counted once', async () => {
    const bouncing = await official({ email: 'bounces-later@tj-gov.example', postalAddress: 'Somoni 1\nDushanbe' });
    const appealId = await launchedAppeal('email-then-post', [bouncing.id]);
    await sign(appealId);
    await sign(appealId);
    const [first, second] = await settled(appealId);
    expect([first.status, second.status]).toEqual(['sent', 'sent']);
    // What the inbound handler will do with a DSN, and a failure recorded before the fallback existed.
    await app.db.query(`UPDATE letters SET status = 'bounced', last_error = 'bounced (5.1.1)' WHERE id = $1`, [first.id]);
    await app.db.query(`UPDATE letters SET status = 'failed', last_error = '550 5.1.1 gone' WHERE id = $1`, [second.id]);
    const emailOnly = await launchedAppeal('email', [goneId]);
    await sign(emailOnly);
    const [failedByEmail] = await settled(emailOnly);
    expect(failedByEmail.status).toBe('failed');

    const repository = app.nest.get(LettersRepository, { strict: false });
    const manager = app.nest.get(DataSource).manager;
    await expect(repository.queueForPost(manager, [first.id, second.id, failedByEmail.id])).resolves.toBe(2);
    await expect(repository.queueForPost(manager, [first.id, second.id, failedByEmail.id])).resolves.toBe(0);

    const letters = await lettersOf(appealId);
    expect(letters.map((letter) => [letter.status, letter.channel, letter.last_error])).toEqual([
      ['queued', 'post', 'bounced (5.1.1); waits for post'],
      ['queued', 'post', '550 5.1.1 gone; waits for post'],
    ]);
    await expect(lettersOf(emailOnly)).resolves.toEqual([expect.objectContaining({ status: 'failed', channel: null })]);
    await expect(statsOf(appealId)).resolves.toEqual(expect.objectContaining({ total: 2, queued: 2, sent: 0, bounced: 0, failed: 0 }));

    const receptions = sink.receptions.size;
    await driveEveryRoad(letters);
    expect(sink.receptions.size).toBe(receptions);
  });
});
