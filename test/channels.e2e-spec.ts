import { aCase, anAppealTemplate, anOfficial, aSupporter } from './helpers/factories';
import { SmtpSink } from './helpers/smtp-sink';
import { startTestApp, TestApp } from './helpers/test-app';
import { waitFor } from './helpers/wait';

/** The reconciler leaves a queued letter alone for max(5, RECONCILE_SECONDS) seconds: wait past that, a few periods. */
const PAST_RECONCILE_MS = 8_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('channels: post and email-then-post', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let coordinator: string;
  let caseId: string;
  let templateId: string;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    app = await startTestApp('channels', { SMTP_URL: sink.url, MAIL_FROM: 'letters@qalam.example', RECONCILE_SECONDS: '1' });
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

  const official = async (overrides: Record<string, unknown>): Promise<{ id: string; email: string | null }> => {
    const response = await app.api.post('/api/officials', anOfficial(overrides), coordinator);
    expect(response.status).toBe(201);
    return response.body;
  };

  const launchedAppeal = async (channel: string, officialIds: string[]): Promise<string> => {
    const created = await app.api.post('/api/appeals', { caseId, title: `By ${channel}`, templateIds: [templateId], officialIds, channel }, coordinator);
    expect(created.status).toBe(201);
    expect(created.body.channel).toBe(channel);
    const launched = await app.api.post(`/api/appeals/${created.body.id}/launch`, undefined, coordinator);
    expect(launched.status).toBe(200);
    return created.body.id;
  };

  const signers = async (appealId: string, count: number): Promise<void> => {
    for (let i = 0; i < count; i += 1) {
      const body = aSupporter();
      expect((await app.api.post('/api/supporters', body, coordinator)).status).toBe(201);
      const token = await app.api.login(body.email, body.password);
      expect((await app.api.post(`/api/appeals/${appealId}/signatures`, {}, token)).status).toBe(201);
    }
  };

  const statuses = async (appealId: string): Promise<Record<string, string[]>> => {
    const { rows } = await app.db.query<{ official_id: string; status: string }>(`SELECT official_id, status FROM letters WHERE appeal_id = $1 ORDER BY id`, [appealId]);
    const byOfficial: Record<string, string[]> = {};
    for (const row of rows) (byOfficial[row.official_id] ??= []).push(row.status);
    return byOfficial;
  };

  it('queues the letters of a post appeal and emails none of them, however often the reconciler runs', async () => {
    const postOnly = await official({ email: undefined, postalAddress: 'Prospekt Rudaki 80\n734023 Dushanbe\nTajikistan' });
    const appealId = await launchedAppeal('post', [postOnly.id]);
    await signers(appealId, 3);
    const before = sink.messages.length;

    await sleep(PAST_RECONCILE_MS);

    await expect(statuses(appealId)).resolves.toEqual({ [postOnly.id]: ['queued', 'queued', 'queued'] });
    expect(sink.messages.length).toBe(before);
    const stats = await app.api.get(`/api/stats/appeals/${appealId}`, coordinator);
    expect(stats.status).toBe(200);
    expect(stats.body.letters).toEqual(expect.objectContaining({ total: 3, queued: 3, sent: 0, printed: 0, posted: 0 }));
  });

  it('on email-then-post, emails the official with an email and keeps the postal-only official’s letters queued', async () => {
    const byEmail = await official({ email: 'minister@tj-gov.example' });
    const byPost = await official({ email: undefined, postalAddress: 'Kuchai Shotemur 7\nDushanbe\nTajikistan' });
    const appealId = await launchedAppeal('email-then-post', [byEmail.id, byPost.id]);
    await signers(appealId, 2);

    await waitFor(
      async () => ((await statuses(appealId))[byEmail.id]?.every((status) => status === 'sent') ? true : undefined),
      async () => `letters still: ${JSON.stringify(await statuses(appealId))}`,
    );
    await sleep(PAST_RECONCILE_MS);

    await expect(statuses(appealId)).resolves.toEqual({ [byEmail.id]: ['sent', 'sent'], [byPost.id]: ['queued', 'queued'] });
    const toMinister = sink.messages.filter((message) => message.to.includes('minister@tj-gov.example'));
    expect(toMinister).toHaveLength(2);
    // Nothing else reached the sink for this appeal: every message it took for this appeal went to the minister.
    const { rows } = await app.db.query<{ count: number }>(`SELECT count(*)::int AS count FROM letters WHERE appeal_id = $1 AND message_id IS NOT NULL`, [appealId]);
    expect(rows[0].count).toBe(2);
  });

  it('refuses an appeal to an official with no address for its channel, naming the official and writing nothing', async () => {
    const emailOnly = await official({ email: 'only-email@tj-gov.example' });
    const postOnly = await official({ email: undefined, postalAddress: 'Somoni 1\nDushanbe' });
    const { rows: before } = await app.db.query<{ count: number }>(`SELECT count(*)::int AS count FROM appeals`);

    const post = await app.api.post('/api/appeals', { caseId, title: 'Post to email-only', templateIds: [templateId], officialIds: [emailOnly.id], channel: 'post' }, coordinator);
    expect(post.status).toBe(400);
    expect(JSON.stringify(post.body.message)).toContain(emailOnly.id);
    expect(JSON.stringify(post.body.message)).toContain('no postal address');

    const email = await app.api.post('/api/appeals', { caseId, title: 'Email to post-only', templateIds: [templateId], officialIds: [postOnly.id], channel: 'email' }, coordinator);
    expect(email.status).toBe(400);
    expect(JSON.stringify(email.body.message)).toContain(postOnly.id);
    expect(JSON.stringify(email.body.message)).toContain('no email address');

    const unknown = await app.api.post('/api/appeals', { caseId, title: 'Pigeon', templateIds: [templateId], officialIds: [emailOnly.id], channel: 'pigeon' }, coordinator);
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body.message)).toContain('channel');

    const { rows: after } = await app.db.query<{ count: number }>(`SELECT count(*)::int AS count FROM appeals`);
    expect(after[0].count).toBe(before[0].count);
  });

  it('refuses a launch once an official has lost the address its channel needs, naming the official and creating no letter', async () => {
    const movedOut = await official({ email: 'moved@tj-gov.example', postalAddress: 'Old office\nDushanbe' });
    const created = await app.api.post('/api/appeals', { caseId, title: 'Post, then the address goes', templateIds: [templateId], officialIds: [movedOut.id], channel: 'post' }, coordinator);
    expect(created.status).toBe(201);
    expect((await app.api.patch(`/api/officials/${movedOut.id}`, { postalAddress: null }, coordinator)).status).toBe(200);

    const launched = await app.api.post(`/api/appeals/${created.body.id}/launch`, undefined, coordinator);
    expect(launched.status).toBe(400);
    expect(JSON.stringify(launched.body.message)).toContain(movedOut.id);
    const after = await app.api.get(`/api/appeals/${created.body.id}`, coordinator);
    expect(after.body.status).toBe('draft');
    expect(after.body.letters.total).toBe(0);
  });

  it('counts printed and posted in every stats response', async () => {
    const overview = await app.api.get('/api/stats/overview', app.adminToken);
    expect(overview.status).toBe(200);
    expect(overview.body.letters).toEqual(expect.objectContaining({ printed: 0, posted: 0 }));
    const byCase = await app.api.get(`/api/stats/cases/${caseId}`, coordinator);
    expect(byCase.status).toBe(200);
    expect(byCase.body.letters).toEqual(expect.objectContaining({ printed: 0, posted: 0 }));
  });
});
