import { settled, anAppeal, LaunchedAppeal } from './helpers/delivery';
import { aSupporter } from './helpers/factories';
import { SmtpSink } from './helpers/smtp-sink';
import { startTestApp, TestApp } from './helpers/test-app';
import { waitFor } from './helpers/wait';

/**
 * A supporter's rights over their data (issue 6): they export it, they delete it, and
 * afterwards their letters stay counted with nobody's name on them. Logs and error
 * messages never carry a supporter's address or name.
 */
describe('privacy rights: export and delete a supporter, with letters kept counted and anonymised', () => {
  let app: TestApp;
  const sink = new SmtpSink();
  /** Every line the process wrote to stdout or stderr while the app ran. */
  const logs: string[] = [];
  const writes = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };
  const tokens: Record<string, string> = {};
  const alice = aSupporter({ name: 'Zebulon Quietwater', city: 'Hushtown' });
  const bob = aSupporter({ name: 'Bartholomew Otherly' });
  let aliceId: string;
  let bobId: string;
  let open: LaunchedAppeal;
  let paced: LaunchedAppeal;
  let queuedLetterId: string;

  function capture(stream: 'stdout' | 'stderr') {
    return ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      logs.push(text);
      // The app's own lines are kept for the test, not echoed; anything else (Jest's) passes through.
      if (text.startsWith('{"time"') || text.includes('[Nest]')) return true;
      return (writes[stream] as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
  }

  beforeAll(async () => {
    await sink.start();
    process.stdout.write = capture('stdout');
    process.stderr.write = capture('stderr');
    app = await startTestApp('privacy_rights', { SMTP_URL: sink.url, LOG_LEVEL: 'verbose' });
    const { api, adminToken } = app;
    const coordinatorBody = aSupporter({ role: 'coordinator' });
    expect((await api.post('/api/supporters', coordinatorBody, adminToken)).status).toBe(201);
    tokens.coordinator = await api.login(coordinatorBody.email, coordinatorBody.password);
    const created = await api.post('/api/supporters', alice, tokens.coordinator);
    expect(created.status).toBe(201);
    aliceId = created.body.id;
    const other = await api.post('/api/supporters', bob, tokens.coordinator);
    expect(other.status).toBe(201);
    bobId = other.body.id;
    tokens.alice = await api.login(alice.email, alice.password);
    tokens.bob = await api.login(bob.email, bob.password);
    await app.db.query(`UPDATE supporters SET consent_version = 'v1', consented_at = now() WHERE id = $1`, [aliceId]);

    // Alice signs an appeal whose letter is delivered...
    open = await anAppeal(api, tokens.coordinator, [{}]);
    expect((await api.post(`/api/appeals/${open.appealId}/signatures`, { note: 'Written from Hushtown with love' }, tokens.alice)).status).toBe(201);
    expect((await settled(app.db, open.appealId)).map((l) => l.status)).toEqual(['sent']);
    // ...and one to an official who takes a letter an hour: Bob's goes, hers waits, queued.
    paced = await anAppeal(api, tokens.coordinator, [{ maxLettersPerHour: 1 }]);
    expect((await api.post(`/api/appeals/${paced.appealId}/signatures`, {}, tokens.bob)).status).toBe(201);
    await settled(app.db, paced.appealId);
    const signed = await api.post(`/api/appeals/${paced.appealId}/signatures`, { note: 'Second note' }, tokens.alice);
    expect(signed.status).toBe(201);
    queuedLetterId = signed.body.letters[0].id;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await app.db.query(`SELECT status FROM letters WHERE id = $1`, [queuedLetterId])).rows[0].status).toBe('queued');

    // A cycle invitation and a thank-you row, as the members' month and outcomes would leave.
    const cycle = await app.db.query(`INSERT INTO cycles (month, title) VALUES ('2026-11', 'November') RETURNING id`);
    await app.db.query(`INSERT INTO cycle_invitations (cycle_id, supporter_id, invited_at) VALUES ($1, $2, now())`, [cycle.rows[0].id, aliceId]);
    await app.db.query(`INSERT INTO case_outcome_mails (case_id, supporter_id) VALUES ($1, $2)`, [open.caseId, aliceId]);
  }, 120_000);

  afterAll(async () => {
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
    await app?.close();
    await sink.stop();
  });

  it('exports the member its own data: record without password, signatures, letters, invitations, consent', async () => {
    const response = await app.api.get('/api/me/export', tokens.alice);
    expect(response.status).toBe(200);
    const body = response.body;
    expect(body.supporter).toEqual(expect.objectContaining({ id: aliceId, email: alice.email, name: alice.name, city: 'Hushtown' }));
    const text = JSON.stringify(body);
    expect(text).not.toMatch(/password|\$argon2/i);
    expect(body.consent).toEqual({ version: 'v1', consentedAt: expect.any(String) });
    expect(body.signatures).toHaveLength(2);
    expect(body.signatures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ appealId: open.appealId, caseName: expect.any(String), note: 'Written from Hushtown with love', signatureStyle: 'full', signedAt: expect.any(String) }),
      ]),
    );
    expect(body.letters).toHaveLength(2);
    expect(body.letters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ caseId: open.caseId, officialName: expect.any(String), officialTitle: 'Prosecutor General', status: 'sent', sentAt: expect.any(String) }),
        expect.objectContaining({ id: queuedLetterId, status: 'queued', sentAt: null }),
      ]),
    );
    expect(body.cycleInvitations).toEqual([expect.objectContaining({ month: '2026-11', title: 'November', invitedAt: expect.any(String) })]);
  });

  it('lets a member export only itself (another id is 404), an admin anyone, a coordinator nobody else', async () => {
    const { api, adminToken } = app;
    expect((await api.get(`/api/supporters/${aliceId}/export`, tokens.alice)).status).toBe(200);
    const other = await api.get(`/api/supporters/${aliceId}/export`, tokens.bob);
    expect(other.status).toBe(404);
    expect(JSON.stringify(other.body)).not.toContain(alice.email);
    expect((await api.get(`/api/supporters/${aliceId}/export`, tokens.coordinator)).status).toBe(403);
    expect((await api.get(`/api/supporters/${aliceId}/export`)).status).toBe(401);
    expect((await api.get('/api/me/export')).status).toBe(401);
    const byAdmin = await api.get(`/api/supporters/${aliceId}/export`, adminToken);
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.supporter).toEqual(expect.objectContaining({ id: aliceId, email: alice.email }));
    expect(byAdmin.body.letters).toHaveLength(2);
    const own = await api.get('/api/me/export', tokens.bob);
    expect(own.body.supporter.id).toBe(bobId);
    expect(JSON.stringify(own.body)).not.toContain(alice.email);
  });

  it('answers a duplicate email with 409 and without echoing the address', async () => {
    const response = await app.api.post('/api/supporters', aSupporter({ email: alice.email }), tokens.coordinator);
    expect(response.status).toBe(409);
    expect(JSON.stringify(response.body).toLowerCase()).not.toContain(alice.email.toLowerCase());
  });

  it('deletes the member: queued letter cancelled and never sent, letters kept counted with no supporter, no trace of name or address', async () => {
    const { api, adminToken, db } = app;
    const scopes = [`cases/${open.caseId}`, `appeals/${open.appealId}`, `officials/${open.officials[0].id}`, `cases/${paced.caseId}`, `appeals/${paced.appealId}`, `officials/${paced.officials[0].id}`];
    const stats = async () => Promise.all(scopes.map(async (scope) => (await api.get(`/api/stats/${scope}`, adminToken)).body));
    const before = await stats();
    const lettersBefore = (await db.query(`SELECT count(*)::int AS n FROM letters`)).rows[0].n;

    expect((await api.request('DELETE', `/api/supporters/${aliceId}`, { token: tokens.bob })).status).toBe(404);
    expect((await api.request('DELETE', `/api/supporters/${aliceId}`, { token: tokens.coordinator })).status).toBe(403);
    expect((await api.request('DELETE', '/api/me')).status).toBe(401);
    const deleted = await api.request('DELETE', '/api/me', { token: tokens.alice });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ lettersCancelled: 1, lettersAnonymised: 2, signaturesAnonymised: 2, signaturesDeleted: 0, supporter: 'scrubbed' });

    // The token no longer works.
    expect((await api.get('/api/me', tokens.alice)).status).toBe(401);
    expect((await api.get('/api/me/export', tokens.alice)).status).toBe(401);
    expect((await api.post('/api/auth/login', { email: alice.email, password: alice.password })).status).toBe(401);

    // Her letters are still there, with no supporter; the queued one is cancelled.
    const letters = await db.query(`SELECT id, status, supporter_id FROM letters WHERE appeal_id = ANY($1) ORDER BY created_at`, [[open.appealId, paced.appealId]]);
    expect((await db.query(`SELECT count(*)::int AS n FROM letters`)).rows[0].n).toBe(lettersBefore);
    expect(letters.rows.filter((l) => l.supporter_id === aliceId)).toEqual([]);
    expect(letters.rows.find((l) => l.id === queuedLetterId)).toEqual(expect.objectContaining({ status: 'cancelled', supporter_id: null }));
    expect((await db.query(`SELECT count(*)::int AS n FROM signatures WHERE supporter_id = $1 AND note IS NOT NULL`, [aliceId])).rows[0].n).toBe(0);
    expect((await db.query(`SELECT count(*)::int AS n FROM cycle_invitations WHERE supporter_id = $1`, [aliceId])).rows[0].n).toBe(0);
    expect((await db.query(`SELECT count(*)::int AS n FROM case_outcome_mails WHERE supporter_id = $1`, [aliceId])).rows[0].n).toBe(0);

    // Counts by case, appeal and official: the same letters and supporters; the queued one now cancelled.
    const after = await stats();
    expect(after.slice(0, 3)).toEqual(before.slice(0, 3));
    for (let i = 3; i < 6; i++) {
      expect(after[i].supporters).toBe(before[i].supporters);
      expect(after[i].byDay).toEqual(before[i].byDay);
      expect(after[i].letters).toEqual({ ...before[i].letters, queued: before[i].letters.queued - 1, cancelled: before[i].letters.cancelled + 1 });
    }

    // No text of any table holds her address or name (nor her city or note).
    const columns = await db.query<{ table_name: string; column_name: string }>(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')`,
    );
    expect(columns.rows.length).toBeGreaterThan(10);
    const found: string[] = [];
    for (const { table_name: table, column_name: column } of columns.rows) {
      for (const secret of [alice.email, alice.name, 'Hushtown']) {
        const { rows } = await db.query(`SELECT count(*)::int AS n FROM "${table}" WHERE "${column}"::text ILIKE '%' || $1 || '%'`, [secret]);
        if (rows[0].n > 0) found.push(`${table}.${column}: ${secret}`);
      }
    }
    expect(found).toEqual([]);

    // The cancelled letter never reaches the SMTP server, even after the pacing window would let it.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(sink.messages.filter((m) => m.letterId === queuedLetterId)).toEqual([]);
    expect(sink.messages.filter((m) => m.raw.toLowerCase().includes(alice.email.toLowerCase()))).toEqual([]);
    // Deleting again is harmless: the scrubbed row is scrubbed once more.
    expect((await api.request('DELETE', `/api/supporters/${aliceId}`, { token: adminToken })).status).toBe(200);
  });

  it('lets an admin delete another supporter, whose token then stops working', async () => {
    const { api, adminToken } = app;
    const response = await api.request('DELETE', `/api/supporters/${bobId}`, { token: adminToken });
    expect(response.status).toBe(200);
    expect(response.body.lettersAnonymised).toBe(1);
    expect((await api.get('/api/me', tokens.bob)).status).toBe(401);
    expect((await api.get(`/api/supporters/${bobId}/export`, adminToken)).body.supporter).toEqual(expect.objectContaining({ name: 'Deleted supporter', active: false, city: null }));
  });

  it('wrote no log line with a supporter’s address or name during signing, delivery and deletion', async () => {
    // The app logged at verbose level all along: the capture saw its lines.
    await waitFor(async () => (logs.length > 0 ? true : undefined), () => 'no log line was captured', 5_000);
    const text = logs.join('').toLowerCase();
    const secrets = [alice.email, alice.name, 'Hushtown', 'Written from Hushtown', bob.email, bob.name];
    expect(secrets.filter((secret) => text.includes(secret.toLowerCase()))).toEqual([]);
  });
});
