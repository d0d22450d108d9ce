import { DataSource } from 'typeorm';
import { aCoordinator, aCycle, aMember, aMonth, memberTokens, Month } from './browser/helpers/month';
import { startTestApp, TestApp } from './helpers/test-app';
import { waitFor } from './helpers/wait';

/**
 * The signing page's post signs every chosen appeal in one statement (AppealsService's
 * signAllAtOnce). Two appeals of one case to the same officials, signed in one post: the
 * member counts once for the case and once for each official, and once for each appeal;
 * signing the second later, by itself, changes the case's and officials' counts not at all.
 *
 * Signers side by side (migration CountersSideBySide): one member's transaction still open
 * keeps no other member of the case waiting, and both are counted; the same member's two
 * transactions for two appeals of the case run one after the other, and the member counts
 * once.
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
    const [{ count }] = await db.query<{ count: number }[]>(`SELECT supporters_counted(id) AS count FROM cases WHERE id = $1`, [first.caseId]);
    const officials = await db.query<{ count: number }[]>(`SELECT supporters_counted(id) AS count FROM officials WHERE id = ANY($1::uuid[]) ORDER BY id`, [first.officials.map((official) => official.id)]);
    const appeals = await db.query<{ count: number }[]>(`SELECT supporters_counted(id) AS count FROM appeals WHERE id = ANY($1::uuid[]) ORDER BY id`, [[first.appealId, secondAppealId]]);
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

  /** Backends of this database waiting for an advisory lock now. */
  async function advisoryWaiters(): Promise<number> {
    const [{ count }] = await db.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
    );
    return count;
  }

  it('lets a member sign while another signer of the case has not committed, and counts both', async () => {
    const tokens = memberTokens(app.config.appSecret);
    const [first] = month.appeals;
    const before = await counts();
    const open = await aMember(app.api, coordinator, { name: 'Still Deciding' });
    // Two members whose counts go to different rows (one in 16 share one, and wait for each other there).
    const shardOf = async (supporterId: string): Promise<number> => (await db.query<{ shard: number }[]>(`SELECT counter_shard($1) AS shard`, [supporterId]))[0].shard;
    let beside = await aMember(app.api, coordinator, { name: 'Right Beside' });
    while ((await shardOf(beside.id)) === (await shardOf(open.id))) beside = await aMember(app.api, coordinator, { name: 'Right Beside' });
    const runner = db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query(`INSERT INTO signatures (appeal_id, supporter_id, signature_style) VALUES ($1, $2, 'full')`, [first.appealId, open.id]);
      // Before, the open transaction held the case's lock to its commit, and this post waited for it.
      let answered = false;
      const posted = post(tokens.issue('sign', { supporterId: beside.id, cycleId }), { appealIds: 'all' }).then(() => {
        answered = true;
      });
      await waitFor(
        async () => (answered ? true : (await advisoryWaiters()) > 0 ? false : undefined),
        () => 'the post neither answered nor waited',
      ).then((ok) => expect(ok ? 'answered' : 'waited for the open transaction').toBe('answered'));
      await posted;
      await runner.commitTransaction();
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
    const after = await counts();
    expect(after.case).toBe(before.case + 2);
    expect(after.officials).toEqual(before.officials.map((count) => count + 2));
    // counts() orders the appeals by id: the first appeal has both signers, the second only the post's.
    const added = [first.appealId, secondAppealId].sort().map((id) => (id === first.appealId ? 2 : 1));
    expect(after.appeals).toEqual(before.appeals.map((count, index) => count + added[index]));
  });

  it('counts a member once when two of their transactions sign two appeals of the case at the same time', async () => {
    const [first] = month.appeals;
    const before = await counts();
    const racer = await aMember(app.api, coordinator, { name: 'In Two Tabs' });
    const [one, two] = [db.createQueryRunner(), db.createQueryRunner()];
    await Promise.all([one.connect(), two.connect()]);
    try {
      await one.startTransaction();
      await two.startTransaction();
      await one.query(`INSERT INTO signatures (appeal_id, supporter_id, signature_style) VALUES ($1, $2, 'full')`, [first.appealId, racer.id]);
      const second = two.query(`INSERT INTO signatures (appeal_id, supporter_id, signature_style) VALUES ($1, $2, 'full')`, [secondAppealId, racer.id]);
      // The second waits for the first (the member's own lock), so it sees the first signature once committed.
      await waitFor(async () => ((await advisoryWaiters()) > 0 ? true : undefined), () => 'the second transaction did not wait for the first');
      await one.commitTransaction();
      await second;
      await two.commitTransaction();
    } finally {
      for (const runner of [one, two]) {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
      }
    }
    const after = await counts();
    expect(after.case).toBe(before.case + 1);
    expect(after.officials).toEqual(before.officials.map((count) => count + 1));
    expect(after.appeals).toEqual(before.appeals.map((count) => count + 1));
  });
});
