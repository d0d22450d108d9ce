import { parse } from 'csv-parse/sync';
import { addAutoSigners, anAppeal, settled } from './helpers/delivery';
import { aSupporter } from './helpers/factories';
import { SmtpSink } from './helpers/smtp-sink';
import { startTestApp, TestApp } from './helpers/test-app';

const UNKNOWN_ID = '5b0c3f1e-8a7d-4c2b-9e6f-0a1b2c3d4e5f';
const COLUMNS = ['id', 'appeal_id', 'official_id', 'status', 'attempts', 'sent_at', 'smtp_response', 'supporter_id'];

interface LetterRow {
  id: string;
  appeal_id: string;
  official_id: string;
  status: string;
  attempts: number;
  sent_at: Date | null;
  smtp_response: string | null;
  supporter_id: string;
  supporter_email: string;
}

/** A letters row as the export writes it: empty for null, ISO 8601 for times. */
function asCsv(row: LetterRow, columns: string[]): Record<string, string> {
  const values: Record<string, unknown> = { ...row };
  return Object.fromEntries(columns.map((column) => {
    const value = values[column];
    return [column, value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value)];
  }));
}

describe('stats exports: the letters of a case as CSV, the admin overview', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let coordinator: string;
  let member: string;
  let caseId: string;

  async function lettersOfCase(): Promise<LetterRow[]> {
    const { rows } = await app.db.query<LetterRow>(
      `SELECT l.id, l.appeal_id, l.official_id, l.status, l.attempts, l.sent_at, l.smtp_response, l.supporter_id, s.email AS supporter_email
         FROM letters l JOIN appeals a ON a.id = l.appeal_id JOIN supporters s ON s.id = l.supporter_id
        WHERE a.case_id = $1 ORDER BY l.appeal_id, l.id`,
      [caseId],
    );
    return rows;
  }

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    // One official refuses for good: the export carries failed letters with their attempts too.
    sink.reply = (message) => (message.to.includes('refuses@stats-gov.example') ? { code: 550, message: '5.1.1 No such mailbox' } : { accept: true });
    app = await startTestApp('stats_exports', { SMTP_URL: sink.url });
    const coordinatorBody = aSupporter({ role: 'coordinator' });
    expect((await app.api.post('/api/supporters', coordinatorBody, app.adminToken)).status).toBe(201);
    coordinator = await app.api.login(coordinatorBody.email, coordinatorBody.password);
    const memberBody = aSupporter();
    expect((await app.api.post('/api/supporters', memberBody, app.adminToken)).status).toBe(201);
    member = await app.api.login(memberBody.email, memberBody.password);
    // More letters than one page of the export's cursor.
    await addAutoSigners(app.db, 600, 'csv');
    const appeal = await anAppeal(app.api, coordinator, [{ email: 'accepts@stats-gov.example' }, { email: 'refuses@stats-gov.example' }]);
    caseId = appeal.caseId;
    await settled(app.db, appeal.appealId);
    // Another case's letters never appear in this one's export.
    await settled(app.db, (await anAppeal(app.api, coordinator, [{ email: 'other@stats-gov.example' }])).appealId);
  });

  afterAll(async () => {
    await app?.close();
    await sink?.stop();
  });

  it('streams one row per letter of the case, equal to the letters table, without emails for a coordinator', async () => {
    const response = await app.api.get<string>(`/api/stats/cases/${caseId}/letters.csv`, coordinator);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header] = response.body.split('\n');
    expect(header).toBe(COLUMNS.join(','));
    const records = parse(response.body, { columns: true }) as Record<string, string>[];
    const letters = await lettersOfCase();
    expect(letters).toHaveLength(1200);
    expect(records).toHaveLength(letters.length);
    letters.forEach((letter, index) => expect(records[index]).toEqual(asCsv(letter, COLUMNS)));
    expect(new Set(records.map((record) => record.status))).toEqual(new Set(['sent', 'failed']));
    expect(response.body).not.toContain('@members.example');
  });

  it('adds the supporter email for an admin', async () => {
    const response = await app.api.get<string>(`/api/stats/cases/${caseId}/letters.csv`, app.adminToken);
    expect(response.status).toBe(200);
    const records = parse(response.body, { columns: true }) as Record<string, string>[];
    const letters = await lettersOfCase();
    expect(records).toHaveLength(letters.length);
    letters.forEach((letter, index) => expect(records[index]).toEqual(asCsv(letter, [...COLUMNS, 'supporter_email'])));
  });

  it('is for coordinators only, and 404 for an unknown case', async () => {
    expect((await app.api.get(`/api/stats/cases/${caseId}/letters.csv`, member)).status).toBe(403);
    expect((await app.api.get(`/api/stats/cases/${caseId}/letters.csv`)).status).toBe(401);
    expect((await app.api.get(`/api/stats/cases/${UNKNOWN_ID}/letters.csv`, coordinator)).status).toBe(404);
  });

  describe('GET /api/stats/overview', () => {
    it('gives totals by status, the last hour by minute and failures by reason, equal to the letters table', async () => {
      const response = await app.api.get('/api/stats/overview', app.adminToken);
      expect(response.status).toBe(200);
      const { rows: byStatus } = await app.db.query<{ status: string; count: number }>(`SELECT status, count(*)::int AS count FROM letters GROUP BY status`);
      const expected: Record<string, number> = { total: 0, queued: 0, held: 0, sending: 0, sent: 0, failed: 0, unknown: 0, cancelled: 0, bounced: 0, printed: 0, posted: 0 };
      for (const { status, count } of byStatus) {
        expected[status] = count;
        expected.total += count;
      }
      expect(response.body.letters).toEqual(expected);

      const { rows: [recent] } = await app.db.query<{ count: number }>(`SELECT count(*)::int AS count FROM letters WHERE status = 'sent' AND sent_at >= date_trunc('minute', now()) - interval '59 minutes'`);
      expect(recent.count).toBe(expected.sent);
      expect(response.body.throughput.lastHour).toBe(recent.count);
      expect(response.body.throughput.perMinute).toHaveLength(60);
      expect(response.body.throughput.perMinute.reduce((sum: number, minute: { sent: number }) => sum + minute.sent, 0)).toBe(recent.count);

      const { rows: reasons } = await app.db.query<{ status: string; reason: string; count: number }>(
        `SELECT status, last_error AS reason, count(*)::int AS count FROM letters WHERE status IN ('failed', 'unknown') GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`,
      );
      expect(reasons.length).toBeGreaterThan(0);
      expect(response.body.failures).toEqual(
        reasons.map(({ status, reason, count }) => {
          const smtp = /^(\d{3}) (.*)$/.exec(reason);
          return { status, code: smtp ? Number(smtp[1]) : null, text: smtp ? smtp[2] : reason, count };
        }),
      );
      expect(response.body.failures).toContainEqual(expect.objectContaining({ status: 'failed', code: 550, text: '5.1.1 No such mailbox' }));
    });

    it('is for admins only', async () => {
      expect((await app.api.get('/api/stats/overview', coordinator)).status).toBe(403);
      expect((await app.api.get('/api/stats/overview', member)).status).toBe(403);
    });
  });
});
