import { DataSource } from 'typeorm';
import { aCoordinator, aCycle, aMember, aMonth, memberTokens, Month } from './browser/helpers/month';
import { startTestApp, TestApp } from './helpers/test-app';

/**
 * The signing page's post signs every chosen appeal in one statement (AppealsService's
 * signAllAtOnce). Two appeals of one case to the same officials, signed in one post: the
 * member counts once for the case and once for each official, and once for each appeal;
 * signing the second later, by itself, changes the case's and officials' counts not at all.
 */
describe('counters of a month signed in one post', () => {
  let app: TestApp;
  let coordinator: string;
  let month: Month;
  let secondAppealId: string;
  let cycleId: string;
  let db: DataSource;

  beforeAll(async () => {
    app = await startTestApp('sign_counts');
    db = app.nest.get(DataSource);
    coordinator = await aCoordinator(app.api, app.adminToken, 'counts');
    month = await aMonth(app.api, coordinator, 1, 'counts');
    const [first] = month.appeals;
    const second = await app.api.post<{ id: string }>(
      '/api/appeals',
      { caseId: first.caseId, title: 'Free her, again', templateIds: [month.templates.en, month.templates.ru], officialIds: first.officials.map((official) => official.id) },
      coordinator,
    );
    expect(second.status).toBe(201);
    secondAppealId = second.body.id;
    expect((await app.api.post(`/api/appeals/${secondAppealId}/launch`, undefined, coordinator)).status).toBe(200);
    cycleId = await aCycle(app.api, coordinator, [first.appealId, secondAppealId]);
  });

  afterAll(async () => {
    await app?.close();
  });

  async function counts(): Promise<{ case: number; officials: number[]; appeals: number[] }> {
    const [first] = month.appeals;
    const [{ count }] = await db.query<{ count: number }[]>(`SELECT supporter_count AS count FROM cases WHERE id = $1`, [first.caseId]);
    const officials = await db.query<{ count: number }[]>(`SELECT supporter_count AS count FROM officials WHERE id = ANY($1::uuid[]) ORDER BY id`, [first.officials.map((official) => official.id)]);
    const appeals = await db.query<{ count: number }[]>(`SELECT supporter_count AS count FROM appeals WHERE id = ANY($1::uuid[]) ORDER BY id`, [[first.appealId, secondAppealId]]);
    return { case: Number(count), officials: officials.map((row) => Number(row.count)), appeals: appeals.map((row) => Number(row.count)) };
  }

  async function post(token: string, form: Record<string, string>): Promise<void> {
    const response = await fetch(`${app.api.baseUrl}/sign/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.config.publicUrl }, body: new URLSearchParams(form) });
    expect(response.status).toBe(200);
  }

  it('counts a member once for the case and each official when one post signs both appeals', async () => {
    const tokens = memberTokens(app.config.appSecret);
    const before = await counts();
    const both = await aMember(app.api, coordinator, { name: 'Both At Once' });
    await post(tokens.issue('sign', { supporterId: both.id, cycleId }), { appealIds: 'all' });
    const afterBoth = await counts();
    expect(afterBoth.case).toBe(before.case + 1);
    expect(afterBoth.officials).toEqual(before.officials.map((count) => count + 1));
    expect(afterBoth.appeals).toEqual(before.appeals.map((count) => count + 1));
    const [{ letters }] = await db.query<{ letters: number }[]>(`SELECT count(*)::int AS letters FROM letters WHERE supporter_id = $1`, [both.id]);
    expect(letters).toBe(2 * month.appeals[0].officials.length);

    // One appeal now, the other in a later post: the second adds nothing to the case or the officials.
    const inTurn = await aMember(app.api, coordinator, { name: 'One Then The Other' });
    const token = tokens.issue('sign', { supporterId: inTurn.id, cycleId });
    await post(token, { appealIds: month.appeals[0].appealId });
    await post(token, { appealIds: secondAppealId });
    const afterInTurn = await counts();
    expect(afterInTurn.case).toBe(afterBoth.case + 1);
    expect(afterInTurn.officials).toEqual(afterBoth.officials.map((count) => count + 1));
    expect(afterInTurn.appeals).toEqual(afterBoth.appeals.map((count) => count + 1));
  });
});
