import Redis from 'ioredis';
import { Queue } from 'bullmq';
import { redisConnection } from '../src/common/redis-connection';
import { addAutoSigners, anAppeal, countBy, expectSettledAndExactlyOnce, lettersOf, settled } from './helpers/delivery';
import { envOf, QalamProcess } from './helpers/processes';
import { SmtpSink } from './helpers/smtp-sink';
import { startTestApp, TestApp } from './helpers/test-app';
import { waitFor } from './helpers/wait';

const FAST = { RETRY_DELAY_MS: '50', SMTP_TIMEOUT_SECONDS: '1', DELIVERY_LEASE_SECONDS: '3', RECONCILE_SECONDS: '1' };
const slowly = (ms: number) => () => new Promise<{ accept: true }>((resolve) => setTimeout(() => resolve({ accept: true }), ms));

/** Waits until a worker process has registered itself in Postgres. */
async function workerUp(app: TestApp, worker: QalamProcess): Promise<void> {
  await waitFor(
    async () => ((await app.db.query(`SELECT 1 FROM delivery_workers WHERE pid = $1`, [worker.child.pid])).rowCount ? true : undefined),
    () => `worker ${worker.child.pid} never registered:\n${worker.output}`,
  );
}

describe('delivery across processes and crashes', () => {
  let sink: SmtpSink;
  let app: TestApp;
  const workers: QalamProcess[] = [];

  beforeEach(async () => {
    sink = await new SmtpSink().start();
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
    await app?.close();
    await sink?.stop();
  });

  it('two worker processes and an API process deliver every letter once', async () => {
    app = await startTestApp('scaleout', { QALAM_ROLE: 'api', SMTP_URL: sink.url, ...FAST });
    const ports = [39871, 39872];
    for (const port of ports) workers.push(new QalamProcess(envOf(app.config, { QALAM_ROLE: 'worker', SMTP_POOL_SIZE: '3', DELIVERY_CONCURRENCY: '2', PORT: String(port) })));
    await Promise.all(workers.map((worker) => workerUp(app, worker)));
    // Workers serve no HTTP.
    for (const port of ports) await expect(fetch(`http://127.0.0.1:${port}/api/cases`)).rejects.toThrow();
    await addAutoSigners(app.db, 600, 'scale');
    const { appealId } = await anAppeal(app.api, app.adminToken, [{ email: 'a@tj-gov.example' }, { email: 'b@tj-gov.example' }]);
    const letters = await settled(app.db, appealId);
    expect(countBy(letters)).toEqual({ sent: 1200 });
    expectSettledAndExactlyOnce(letters, sink);
    // Both workers took part: each letter names the worker that claimed it.
    const { rows } = await app.db.query<{ workers: number }>(`SELECT count(DISTINCT claimed_by)::int AS workers FROM letters WHERE appeal_id = $1`, [appealId]);
    expect(rows[0].workers).toBe(2);
    // The API process sent nothing: it has no worker row of its own.
    const { rows: registered } = await app.db.query<{ pid: number }>(`SELECT pid FROM delivery_workers`);
    expect(registered.map((row) => row.pid).sort()).toEqual(workers.map((worker) => worker.child.pid).sort());
  });

  it('a worker killed with SIGKILL mid-batch loses no letter and sends none twice', async () => {
    app = await startTestApp('sigkill', { QALAM_ROLE: 'api', SMTP_URL: sink.url, ...FAST });
    sink.reply = slowly(20);
    const doomed = new QalamProcess(envOf(app.config, { QALAM_ROLE: 'worker', SMTP_POOL_SIZE: '4', DELIVERY_CONCURRENCY: '2' }));
    workers.push(doomed);
    await workerUp(app, doomed);
    await addAutoSigners(app.db, 400, 'kill');
    const { appealId } = await anAppeal(app.api, app.adminToken, [{ email: 'x@tj-gov.example' }]);
    await waitFor(async () => (sink.messages.length >= 40 ? true : undefined), () => `sink has ${sink.messages.length}`);
    await doomed.kill('SIGKILL');
    const atDeath = countBy(await lettersOf(app.db, appealId));
    expect(atDeath.sending).toBeGreaterThan(0);

    const heir = new QalamProcess(envOf(app.config, { QALAM_ROLE: 'worker', SMTP_POOL_SIZE: '4' }));
    workers.push(heir);
    const letters = await settled(app.db, appealId);
    expectSettledAndExactlyOnce(letters, sink);
    expect(letters.filter((letter) => letter.status === 'failed')).toEqual([]);
    // Letters the dead worker had claimed but not begun were sent by the heir; at most the
    // ones in the middle of an SMTP exchange are unknown.
    expect(letters.filter((letter) => letter.status === 'unknown').length).toBeLessThanOrEqual(4 * 2);
    expect(countBy(letters).sent + (countBy(letters).unknown ?? 0)).toBe(400);
  });

  it('a batch handed to another worker while its own still looks alive waits for it, then resends nothing', async () => {
    // A job's lock can lapse before its worker's heartbeat does (the lock is renewed through
    // Redis, the heartbeat written to Postgres): another worker then gets the job while the
    // letters are still the first one's. Its run must leave them, and their marks, alone.
    app = await startTestApp('early-handout', { QALAM_ROLE: 'api', SMTP_URL: sink.url, ...FAST });
    // 40 letters a second: the doomed worker's two batches outlast the standby's start-up.
    sink.reply = slowly(100);
    const doomed = new QalamProcess(envOf(app.config, { QALAM_ROLE: 'worker', SMTP_POOL_SIZE: '4', DELIVERY_CONCURRENCY: '2' }));
    workers.push(doomed);
    await workerUp(app, doomed);
    await addAutoSigners(app.db, 400, 'handout');
    const { appealId } = await anAppeal(app.api, app.adminToken, [{ email: 'w@tj-gov.example' }]);
    await waitFor(async () => (sink.messages.length >= 20 ? true : undefined), () => `sink has ${sink.messages.length}`);
    // The doomed worker runs two batches at a time; the standby takes what waits, and the jobs set free.
    const standby = new QalamProcess(envOf(app.config, { QALAM_ROLE: 'worker', SMTP_POOL_SIZE: '4' }));
    workers.push(standby);
    await workerUp(app, standby);
    const { rows: [{ id: doomedId }] } = await app.db.query<{ id: string }>(`SELECT id FROM delivery_workers WHERE pid = $1`, [doomed.child.pid]);
    await doomed.kill('SIGKILL');
    const doomedSending = async () =>
      (await app.db.query<{ batch_id: string }>(`SELECT batch_id FROM letters WHERE appeal_id = $1 AND status = 'sending' AND claimed_by = $2`, [appealId, doomedId])).rows;
    const atDeath = await doomedSending();
    expect(atDeath.length).toBeGreaterThan(0);
    const held = [...new Set(atDeath.map((row) => row.batch_id))];
    // Its heartbeat, listing its batches, goes on for three leases: its job locks lapse after
    // one, and the standby gets the jobs while the letters still look the doomed worker's.
    const beats = setInterval(() => {
      app.db.query(`UPDATE delivery_workers SET seen_at = now(), batches = $2::bigint[] WHERE id = $1`, [doomedId, held]).catch(() => undefined);
    }, 500);
    await new Promise((resolve) => setTimeout(resolve, 3 * Number(FAST.DELIVERY_LEASE_SECONDS) * 1000));
    clearInterval(beats);
    // While it looked alive, its letters were left to it.
    expect((await doomedSending()).length).toBe(atDeath.length);

    const letters = await settled(app.db, appealId);
    expectSettledAndExactlyOnce(letters, sink);
    const unknown = letters.filter((letter) => letter.status === 'unknown');
    // Only letters caught mid-exchange are unknown, never a batch whose marks were dropped.
    expect(unknown.map((letter) => letter.last_error).filter((reason) => reason !== 'the worker sending it stopped during the SMTP exchange')).toEqual([]);
    expect(unknown.length).toBeLessThanOrEqual(4 * 2);
    expect(countBy(letters).sent + unknown.length).toBe(400);
  });

  it('SIGTERM drains the batches in flight before the worker exits', async () => {
    app = await startTestApp('sigterm', { QALAM_ROLE: 'api', SMTP_URL: sink.url, ...FAST });
    sink.reply = slowly(20);
    const worker = new QalamProcess(envOf(app.config, { QALAM_ROLE: 'worker', SMTP_POOL_SIZE: '4', DELIVERY_CONCURRENCY: '2' }));
    workers.push(worker);
    await workerUp(app, worker);
    await addAutoSigners(app.db, 400, 'term');
    const { appealId } = await anAppeal(app.api, app.adminToken, [{ email: 'z@tj-gov.example' }]);
    await waitFor(async () => (sink.messages.length >= 20 ? true : undefined), () => `sink has ${sink.messages.length}`);
    // Nest closes the app, then re-raises the signal: the exit is by SIGTERM, after the drain.
    await worker.kill('SIGTERM');
    expect(worker.child.signalCode ?? worker.child.exitCode).toMatch(/SIGTERM|^0$/);
    // Nothing left mid-send, nothing unknown: every claimed letter finished before exit.
    const afterExit = countBy(await lettersOf(app.db, appealId));
    expect(afterExit.sending).toBeUndefined();
    expect(afterExit.unknown).toBeUndefined();
    expect(afterExit.sent).toBe(sink.messages.length);
    expect(afterExit.queued).toBeGreaterThan(0);
    const { rows } = await app.db.query(`SELECT 1 FROM delivery_workers WHERE pid = $1`, [worker.child.pid]);
    expect(rows).toEqual([]);

    workers.push(new QalamProcess(envOf(app.config, { QALAM_ROLE: 'worker' })));
    const letters = await settled(app.db, appealId);
    expect(countBy(letters)).toEqual({ sent: 400 });
    expectSettledAndExactlyOnce(letters, sink);
  });

  it('Redis losing its data mid-appeal loses no letter: the reconciler re-enqueues from Postgres', async () => {
    app = await startTestApp('flush', { QALAM_ROLE: 'api', SMTP_URL: sink.url, ...FAST });
    sink.reply = slowly(10);
    const worker = new QalamProcess(envOf(app.config, { QALAM_ROLE: 'worker', SMTP_POOL_SIZE: '2', DELIVERY_CONCURRENCY: '1' }));
    workers.push(worker);
    await workerUp(app, worker);
    await addAutoSigners(app.db, 500, 'flush');
    const { appealId } = await anAppeal(app.api, app.adminToken, [{ email: 'y@tj-gov.example' }]);
    await waitFor(async () => (sink.messages.length >= 50 ? true : undefined), () => `sink has ${sink.messages.length}`);

    // As if Redis restarted without persistence: every key of this queue is gone.
    const redis = new Redis(redisConnection(app.config.redisUrl) as object);
    const keys = await redis.keys(`${app.config.queuePrefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys);
    redis.disconnect();
    const before = countBy(await lettersOf(app.db, appealId));
    expect(before.queued).toBeGreaterThan(0);

    const letters = await settled(app.db, appealId);
    expect(countBy(letters)).toEqual({ sent: 500 });
    expectSettledAndExactlyOnce(letters, sink);
  });

  it('letters left sending by a live worker that no longer runs their batch are resolved from their marks, never resent', async () => {
    app = await startTestApp('live-orphans', { QALAM_ROLE: 'api', SMTP_URL: sink.url, ...FAST });
    await addAutoSigners(app.db, 30, 'orphan');
    const orphaned = await anAppeal(app.api, app.adminToken, [{ email: 'orphaned@tj-gov.example' }]);
    const held = await anAppeal(app.api, app.adminToken, [{ email: 'held@tj-gov.example' }]);
    const redis = new Redis(redisConnection(app.config.redisUrl) as object);
    // As a worker whose record failed leaves them: claimed, some sent (marked), one mid-exchange,
    // the rest not begun; their jobs gone. Its heartbeat goes on, and it runs the second batch only.
    const [{ batch_id: orphanBatch }] = (await app.db.query<{ batch_id: string }>(`SELECT DISTINCT batch_id FROM letters WHERE appeal_id = $1`, [orphaned.appealId])).rows;
    const [{ batch_id: heldBatch }] = (await app.db.query<{ batch_id: string }>(`SELECT DISTINCT batch_id FROM letters WHERE appeal_id = $1`, [held.appealId])).rows;
    await redis.del(...(await redis.keys(`${app.config.queuePrefix}:*`)));
    await app.db.query(`INSERT INTO delivery_workers (id, host, pid, batches) VALUES ('ghost', 'ghost', 1, ARRAY[$1::bigint])`, [heldBatch]);
    await app.db.query(
      `UPDATE letters SET status = 'sending', claimed_by = 'ghost', claimed_at = now() - interval '10 seconds', attempts = 1 WHERE appeal_id = ANY($1::uuid[])`,
      [[orphaned.appealId, held.appealId]],
    );
    const ids = (await lettersOf(app.db, orphaned.appealId)).map((letter) => letter.id);
    const [sent, started] = [ids.slice(0, 10), ids[10]];
    await redis.hset(`${app.config.queuePrefix}:progress:${orphanBatch}`, '_', 'ghost', ...sent.flatMap((id) => [id, 'd250 2.0.0 queued as GHOST']), started, 's');
    const heartbeat = setInterval(() => void app.db.query(`UPDATE delivery_workers SET seen_at = now() WHERE id = 'ghost'`).catch(() => undefined), 300);
    try {
      workers.push(new QalamProcess(envOf(app.config, { QALAM_ROLE: 'worker' })));
      const letters = await settled(app.db, orphaned.appealId);
      expect(countBy(letters)).toEqual({ sent: 29, unknown: 1 });
      for (const letter of letters.filter((l) => sent.includes(l.id))) expect(letter.smtp_response).toBe('250 2.0.0 queued as GHOST');
      expect(letters.find((letter) => letter.id === started)?.last_error).toMatch(/during the SMTP exchange/);
      // Marked sent or begun: never sent again. Never begun: sent now, once.
      const received = sink.messages.filter((message) => message.to[0] === 'orphaned@tj-gov.example').map((message) => message.letterId);
      expect(received.sort()).toEqual(ids.slice(11).sort());
      // The batch the live worker still runs is left to it.
      expect(countBy(await lettersOf(app.db, held.appealId))).toEqual({ sending: 30 });
    } finally {
      clearInterval(heartbeat);
      redis.disconnect();
    }
  });

  it('a batch whose first letter cannot go (official without email, suppressed address) sends every other letter, on a fresh worker', async () => {
    app = await startTestApp('first-refused', { QALAM_ROLE: 'api', SMTP_URL: sink.url, ...FAST });
    await app.db.query(`INSERT INTO suppressions (address, reason) VALUES ('refused@tj-gov.example', '550 5.1.1 refused earlier')`);
    await addAutoSigners(app.db, 20, 'first');
    const noEmail = await anAppeal(app.api, app.adminToken, [{ email: 'moved@tj-gov.example', postalAddress: 'Office of the Prosecutor General\n1 Rudaki Avenue\nDushanbe' }, { email: 'open-a@tj-gov.example' }]);
    // The appeal was launched while the official had an email; it is gone by the time its letters are sent.
    const cleared = await app.api.patch(`/api/officials/${noEmail.officials[0].id}`, { email: null }, app.adminToken);
    expect(cleared.status).toBe(200);
    const suppressed = await anAppeal(app.api, app.adminToken, [{ email: 'refused@tj-gov.example' }, { email: 'open-b@tj-gov.example' }]);
    // The claim reads an appeal's templates with its first letter (lowest id): make that the letter that cannot go.
    for (const { appealId, officials } of [noEmail, suppressed]) {
      const { rows } = await app.db.query<{ official_id: string }>(`SELECT official_id FROM letters WHERE appeal_id = $1 ORDER BY id LIMIT 1`, [appealId]);
      if (rows[0].official_id !== officials[0].id) {
        // Swapped in three steps: (supporter, appeal, official) is unique at every row.
        const parked = '00000000-0000-4000-8000-000000000000';
        for (const [from, to] of [[officials[0].id, parked], [officials[1].id, officials[0].id], [parked, officials[1].id]]) {
          await app.db.query(`UPDATE letters SET official_id = $3 WHERE appeal_id = $1 AND official_id = $2`, [appealId, from, to]);
        }
      }
      const { rows: first } = await app.db.query<{ official_id: string }>(`SELECT official_id FROM letters WHERE appeal_id = $1 ORDER BY id LIMIT 1`, [appealId]);
      expect(first[0].official_id).toBe(officials[0].id);
    }
    // A worker that has cached no template of these appeals.
    const fresh = new QalamProcess(envOf(app.config, { QALAM_ROLE: 'worker' }));
    workers.push(fresh);
    for (const [{ appealId, officials }, reason] of [
      [noEmail, 'the official has no email address'],
      [suppressed, 'the address was suppressed after a permanent refusal'],
    ] as const) {
      const letters = await settled(app.db, appealId);
      expect(countBy(letters.filter((letter) => letter.official_id === officials[1].id))).toEqual({ sent: 20 });
      const refused = letters.filter((letter) => letter.official_id === officials[0].id);
      expect(countBy(refused)).toEqual({ failed: 20 });
      expect(new Set(refused.map((letter) => letter.last_error))).toEqual(new Set([reason]));
    }
    expect(sink.messages.filter((message) => message.to[0] === 'open-a@tj-gov.example' || message.to[0] === 'open-b@tj-gov.example')).toHaveLength(40);
  });

  it('an official with maxLettersPerHour gets no more than that across appeals; the rest wait', async () => {
    app = await startTestApp('pacing', { SMTP_URL: sink.url, ...FAST });
    const official = await app.api.post('/api/officials', { name: 'Paced', title: 'Prosecutor', country: 'TJ', email: 'paced@tj-gov.example', language: 'en', maxLettersPerHour: 5 }, app.adminToken);
    expect(official.status).toBe(201);
    await addAutoSigners(app.db, 4, 'pace');
    const template = await app.api.post('/api/templates', { name: 't', kind: 'appeal', language: 'en', subject: 'About {{case.name}}', body: 'Dear {{official.name}}, {{supporter.signature}}' }, app.adminToken);
    const appealIds: string[] = [];
    for (const name of ['First case', 'Second case']) {
      const created = await app.api.post('/api/cases', { name, country: 'TJ', status: 'detained', summary: 'Detained.' }, app.adminToken);
      const appeal = await app.api.post('/api/appeals', { caseId: created.body.id, title: name, templateIds: [template.body.id], officialIds: [official.body.id] }, app.adminToken);
      expect((await app.api.post(`/api/appeals/${appeal.body.id}/launch`, undefined, app.adminToken)).status).toBe(200);
      appealIds.push(appeal.body.id);
    }
    const counts = async () => (await app.db.query<{ status: string; count: number }>(`SELECT status, count(*)::int AS count FROM letters WHERE official_id = $1 GROUP BY status ORDER BY status`, [official.body.id])).rows;
    await waitFor(async () => ((await counts()).find((row) => row.status === 'sent')?.count === 5 ? true : undefined), async () => JSON.stringify(await counts()));
    // Let the reconciler and any retry run a few rounds: still five.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await counts()).toEqual([{ status: 'queued', count: 3 }, { status: 'sent', count: 5 }]);
    expect(sink.messages.filter((message) => message.to[0] === 'paced@tj-gov.example')).toHaveLength(5);
    const queue = new Queue('letters', { connection: redisConnection(app.config.redisUrl), prefix: app.config.queuePrefix });
    const delayed = await queue.getDelayed();
    expect(delayed.length).toBeGreaterThan(0);
    // They wait for the hour, not for ever: an hour later (claims moved back) the rest go.
    await app.db.query(`UPDATE paced_claims SET claimed_at = claimed_at - interval '61 minutes' WHERE official_id = $1`, [official.body.id]);
    for (const job of delayed) await job.promote();
    await queue.close();
    await waitFor(async () => ((await counts()).find((row) => row.status === 'sent')?.count === 8 ? true : undefined), async () => JSON.stringify(await counts()));
    expectSettledAndExactlyOnce([...(await lettersOf(app.db, appealIds[0])), ...(await lettersOf(app.db, appealIds[1]))], sink);
  });
});
