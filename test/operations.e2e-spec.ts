import { addAutoSigners, anAppeal, settled } from './helpers/delivery';
import { SmtpSink } from './helpers/smtp-sink';
import { startTestApp, TestApp } from './helpers/test-app';

/** The value of one sample line of the Prometheus text format; fails when it is missing. */
function sample(metrics: string, line: string): number {
  const found = metrics.split('\n').find((candidate) => candidate.startsWith(`${line} `));
  if (!found) throw new Error(`no sample ${line} in:\n${metrics}`);
  return Number(found.slice(line.length + 1));
}

describe('operations: /health and /metrics', () => {
  let sink: SmtpSink;
  let app: TestApp;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    app = await startTestApp('operations', { SMTP_URL: sink.url });
    await addAutoSigners(app.db, 5, 'ops');
    await settled(app.db, (await anAppeal(app.api, app.adminToken, [{ email: 'one@ops-gov.example' }, { email: 'two@ops-gov.example' }])).appealId);
  });

  afterAll(async () => {
    await app?.close();
    await sink?.stop();
  });

  it('/health is public and reports Postgres, Redis and SMTP up', async () => {
    const response = await app.api.get('/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual(
      expect.objectContaining({
        status: 'ok',
        info: { postgres: expect.objectContaining({ status: 'up' }), redis: { status: 'up' }, smtp: { status: 'up' } },
        error: {},
      }),
    );
  });

  it('/metrics is public and gives letters by status, queue depth and the send latency histogram', async () => {
    const response = await app.api.get<string>('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const metrics = response.body;
    const { rows } = await app.db.query<{ status: string; count: number }>(`SELECT status, count(*)::int AS count FROM letters GROUP BY status`);
    const counts = new Map(rows.map((row) => [row.status, row.count]));
    expect(counts.get('sent')).toBe(10);
    for (const status of ['queued', 'sending', 'sent', 'failed', 'unknown', 'cancelled', 'bounced']) {
      expect(sample(metrics, `qalam_letters{status="${status}"}`)).toBe(counts.get(status) ?? 0);
    }
    for (const state of ['waiting', 'active', 'delayed', 'prioritized', 'failed']) {
      expect(sample(metrics, `qalam_queue_jobs{state="${state}"}`)).toBe(0);
    }
    expect(sample(metrics, 'qalam_mail_send_seconds_count{outcome="sent"}')).toBe(10);
    expect(sample(metrics, 'qalam_mail_send_seconds_bucket{le="+Inf",outcome="sent"}')).toBe(10);
    expect(metrics).not.toContain('@members.example');
  });

  it('/health answers 503 and names SMTP when the server is gone', async () => {
    await sink.stop();
    const response = await app.api.get('/health');
    expect(response.status).toBe(503);
    expect(JSON.stringify(response.body)).toContain('smtp');
  });
});
