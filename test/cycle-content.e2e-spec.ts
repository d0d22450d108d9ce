import type { INestApplication } from '@nestjs/common';
import { CYCLE_CONTENT_TTL_MS } from '../src/cycles/cycle-content.service';
import { aCoordinator, aCycle, aMember, aMonth, memberTokens, Month } from './browser/helpers/month';
import { startSecondApp, startTestApp, TestApp } from './helpers/test-app';

/**
 * The signing page's content (cases, timelines, appeals, officials, templates) is kept in
 * memory per API process (src/cycles/cycle-content.service.ts). The rule: a coordinator's
 * edit shows on the very next page the editing process serves, and in every other process
 * on the content tables' notice, whoever wrote the row; a signature (which moves the
 * appeals' and cases' counters) changes nothing of it. Two API processes share one database.
 */
describe("the signing page's content kept in memory, and the rule that keeps it right", () => {
  let app: TestApp;
  let second: INestApplication;
  let secondBase: string;
  let coordinator: string;
  let month: Month;
  let cycleId: string;
  let token: string;

  beforeAll(async () => {
    app = await startTestApp('cycle_content');
    const other = await startSecondApp(app.config);
    second = other.nest;
    secondBase = other.api.baseUrl;
    coordinator = await aCoordinator(app.api, app.adminToken, 'content');
    month = await aMonth(app.api, coordinator, 2, 'content');
    cycleId = await aCycle(app.api, coordinator, month.appeals.map((appeal) => appeal.appealId));
    const member = await aMember(app.api, coordinator);
    token = memberTokens(app.config.appSecret).issue('sign', { supporterId: member.id, cycleId });
  });

  afterAll(async () => {
    await second?.close();
    await app?.close();
  });

  async function page(base: string): Promise<string> {
    const response = await fetch(`${base}/sign/${token}`);
    expect(response.status).toBe(200);
    return response.text();
  }

  /** Opens the page until it contains `text`, for at most `withinMs`; returns how long it took. */
  async function until(base: string, text: string, withinMs: number): Promise<number> {
    const started = Date.now();
    for (;;) {
      if ((await page(base)).includes(text)) return Date.now() - started;
      if (Date.now() - started > withinMs) throw new Error(`the page at ${base} never showed "${text}" within ${withinMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it("shows a coordinator's edit on the editing process's very next page, and on the other's on the notice", async () => {
    const [first] = month.appeals;
    // Both processes have read the month and keep it.
    expect(await page(app.api.baseUrl)).toContain(first.caseName);
    expect(await page(secondBase)).toContain(first.caseName);

    const summary = 'Moved to a prison colony far from her family in November.';
    expect((await app.api.patch(`/api/cases/${first.caseId}`, { summary }, coordinator)).status).toBe(200);
    expect(await page(app.api.baseUrl)).toContain(summary);
    const took = await until(secondBase, summary, CYCLE_CONTENT_TTL_MS / 3);
    expect(took).toBeLessThan(CYCLE_CONTENT_TTL_MS / 3);

    // A timeline event added in the other process: there at once, and here on the notice.
    const event = await fetch(`${secondBase}/api/cases/${first.caseId}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${coordinator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ occurredOn: '2025-11-20', kind: 'transfer', description: 'Transferred to colony number seven.' }),
    });
    expect(event.status).toBe(201);
    expect(await page(secondBase)).toContain('Transferred to colony number seven.');
    await until(app.api.baseUrl, 'Transferred to colony number seven.', CYCLE_CONTENT_TTL_MS / 3);
  });

  it('applies a change made by another writer (SQL, as a script would) in both processes, on the notice', async () => {
    const [, second_] = month.appeals;
    const official = second_.officials[0];
    await app.db.query(`UPDATE officials SET name = 'Minister Karimova' WHERE id = $1`, [official.id]);
    await until(app.api.baseUrl, 'Minister Karimova', CYCLE_CONTENT_TTL_MS / 3);
    await until(secondBase, 'Minister Karimova', CYCLE_CONTENT_TTL_MS / 3);
    await app.db.query(`UPDATE cases SET charges = 'Hooliganism (Article 237)' WHERE id = $1`, [second_.caseId]);
    await until(secondBase, 'Hooliganism (Article 237)', CYCLE_CONTENT_TTL_MS / 3);
  });

  it("is not dropped by a member's signature (only its counters move), and shows the signature all the same", async () => {
    const notices: string[] = [];
    const listener = await app.db.connect();
    try {
      await listener.query('LISTEN qalam_cycle_content');
      listener.on('notification', (message) => notices.push(message.payload ?? ''));
      const member = await aMember(app.api, coordinator);
      const own = memberTokens(app.config.appSecret).issue('sign', { supporterId: member.id, cycleId });
      const signed = await fetch(`${secondBase}/sign/${own}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: secondBase },
        body: new URLSearchParams({ appealIds: 'all', signatureStyle: 'full' }).toString(),
      });
      expect(signed.status).toBe(200);
      const counted = await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM signatures WHERE supporter_id = $1`, [member.id]);
      expect(counted.rows[0].n).toBe(month.appeals.length);
      // The counters on appeals and cases moved; a notice would have followed at once.
      await app.db.query('SELECT pg_sleep(0.2)');
      expect(notices).toEqual([]);
      // The member's own part is read for every page: their letters show as signed.
      const after = await (await fetch(`${app.api.baseUrl}/sign/${own}`)).text();
      // Each signed appeal is tagged twice: in the month's list and at its own heading.
      expect(after.match(/class="tag tag-signed"/g)).toHaveLength(2 * month.appeals.length);
    } finally {
      listener.release();
    }
  });
});
