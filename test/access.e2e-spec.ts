import { aCase, anAppealTemplate, anOfficial, aSupporter } from './helpers/factories';
import { countRows, messagesOf } from './helpers/responses';
import { ADMIN, ApiResponse, startTestApp, TestApp } from './helpers/test-app';
import { claimsOf, signToken, withPayload } from './helpers/tokens';

const UNKNOWN_ID = '5b0c3f1e-8a7d-4c2b-9e6f-0a1b2c3d4e5f';

interface Ids {
  caseId: string;
  officialId: string;
  templateId: string;
  appealId: string;
  memberId: string;
}

interface Route {
  method: 'GET' | 'POST' | 'PATCH';
  path: (ids: Ids) => string;
  body?: (ids: Ids) => unknown;
  csv?: string;
}

const route = (method: Route['method'], path: Route['path'], body?: Route['body']): Route => ({ method, path, body });

/** Every route only a coordinator (or an admin) may reach. */
const COORDINATOR_ROUTES: Record<string, Route> = {
  'POST /api/cases': route('POST', () => '/api/cases', () => aCase({ name: 'Made by a member' })),
  'PATCH /api/cases/:id': route('PATCH', (ids) => `/api/cases/${ids.caseId}`, () => ({ summary: 'Rewritten by a member' })),
  'POST /api/cases/:id/events': route('POST', (ids) => `/api/cases/${ids.caseId}/events`, () => ({ occurredOn: '2025-03-01', kind: 'hearing', description: 'Added by a member' })),
  'POST /api/officials': route('POST', () => '/api/officials', () => anOfficial()),
  'GET /api/officials': route('GET', () => '/api/officials'),
  'POST /api/templates': route('POST', () => '/api/templates', () => anAppealTemplate({ name: 'By a member' })),
  'GET /api/templates': route('GET', () => '/api/templates'),
  'POST /api/templates/:id/preview': route('POST', (ids) => `/api/templates/${ids.templateId}/preview`, (ids) => ({ caseId: ids.caseId, officialId: ids.officialId })),
  'POST /api/appeals': route('POST', () => '/api/appeals', (ids) => ({ caseId: ids.caseId, title: 'By a member', templateIds: [ids.templateId], officialIds: [ids.officialId] })),
  'POST /api/appeals/:id/launch': route('POST', (ids) => `/api/appeals/${ids.appealId}/launch`),
  'POST /api/appeals/:id/pause': route('POST', (ids) => `/api/appeals/${ids.appealId}/pause`),
  'POST /api/appeals/:id/resume': route('POST', (ids) => `/api/appeals/${ids.appealId}/resume`),
  'POST /api/appeals/:id/cancel': route('POST', (ids) => `/api/appeals/${ids.appealId}/cancel`),
  'GET /api/supporters': route('GET', () => '/api/supporters'),
  'POST /api/supporters': route('POST', () => '/api/supporters', () => aSupporter()),
  'POST /api/supporters/import': { method: 'POST', path: () => '/api/supporters/import', csv: 'email,name,country\nimported-by-member@members.example,Imported Person,CA\n' },
  'GET /api/stats/cases/:id': route('GET', (ids) => `/api/stats/cases/${ids.caseId}`),
  'GET /api/stats/appeals/:id': route('GET', (ids) => `/api/stats/appeals/${ids.appealId}`),
  'GET /api/stats/officials/:id': route('GET', (ids) => `/api/stats/officials/${ids.officialId}`),
};

/** Every route that takes an id in its path, with a body that is valid apart from the id. */
const ID_ROUTES: Record<string, Route> = {
  'GET /api/cases/:id': route('GET', (ids) => `/api/cases/${ids.caseId}`),
  'PATCH /api/cases/:id': COORDINATOR_ROUTES['PATCH /api/cases/:id'],
  'POST /api/cases/:id/events': COORDINATOR_ROUTES['POST /api/cases/:id/events'],
  'POST /api/templates/:id/preview': COORDINATOR_ROUTES['POST /api/templates/:id/preview'],
  'GET /api/appeals/:id': route('GET', (ids) => `/api/appeals/${ids.appealId}`),
  'POST /api/appeals/:id/launch': COORDINATOR_ROUTES['POST /api/appeals/:id/launch'],
  'POST /api/appeals/:id/pause': COORDINATOR_ROUTES['POST /api/appeals/:id/pause'],
  'POST /api/appeals/:id/resume': COORDINATOR_ROUTES['POST /api/appeals/:id/resume'],
  'POST /api/appeals/:id/cancel': COORDINATOR_ROUTES['POST /api/appeals/:id/cancel'],
  'POST /api/appeals/:id/signatures': route('POST', (ids) => `/api/appeals/${ids.appealId}/signatures`, () => ({ note: 'Free her' })),
  'GET /api/supporters/:id': route('GET', (ids) => `/api/supporters/${ids.memberId}`),
  'GET /api/stats/cases/:id': COORDINATOR_ROUTES['GET /api/stats/cases/:id'],
  'GET /api/stats/appeals/:id': COORDINATOR_ROUTES['GET /api/stats/appeals/:id'],
  'GET /api/stats/officials/:id': COORDINATOR_ROUTES['GET /api/stats/officials/:id'],
  'GET /api/stats/supporters/:id': route('GET', (ids) => `/api/stats/supporters/${ids.memberId}`),
};

const MALFORMED_IDS = ['not-a-uuid', '42', '5b0c3f1e-8a7d-4c2b-9e6f-0a1b2c3d4e5fa', '5b0c3f1e8a7d4c2b9e6f0a1b2c3d4e5f', '5b0c3f1e-8a7d-4c2b-9e6f-0a1b2c3d4e5g', "' OR '1'='1", 'x'.repeat(3000)];

describe('access: who may reach what', () => {
  let app: TestApp;
  let coordinator: string;
  let member: { id: string; token: string; email: string; password: string };
  let otherMember: { id: string; token: string };
  let ids: Ids;

  /** Counts of everything a refused request could have written. */
  const snapshot = async () => ({
    cases: await countRows(app.db, 'cases'),
    events: await countRows(app.db, 'case_events'),
    officials: await countRows(app.db, 'officials'),
    templates: await countRows(app.db, 'templates'),
    appeals: await countRows(app.db, 'appeals'),
    appealStatuses: (await app.db.query('SELECT status FROM appeals ORDER BY id')).rows,
    supporters: await countRows(app.db, 'supporters'),
    signatures: await countRows(app.db, 'signatures'),
    letters: await countRows(app.db, 'letters'),
    summaries: (await app.db.query('SELECT summary FROM cases ORDER BY id')).rows,
  });

  function call(target: Route, token: string | undefined, idsToUse: Ids = ids): Promise<ApiResponse> {
    const path = target.path(idsToUse);
    if (target.csv !== undefined) return app.api.request(target.method, path, { token, raw: target.csv, contentType: 'text/csv' });
    return app.api.request(target.method, path, { token, body: target.body?.(idsToUse) });
  }

  beforeAll(async () => {
    app = await startTestApp('access');
    const { api, adminToken } = app;
    const coordinatorBody = aSupporter({ role: 'coordinator' });
    expect((await api.post('/api/supporters', coordinatorBody, adminToken)).status).toBe(201);
    coordinator = await api.login(coordinatorBody.email, coordinatorBody.password);

    const members = [];
    for (const name of ['Alice Member', 'Bruno Member']) {
      const body = aSupporter({ name });
      const created = await api.post('/api/supporters', body, coordinator);
      expect(created.status).toBe(201);
      members.push({ id: created.body.id as string, email: body.email, password: body.password, token: await api.login(body.email, body.password) });
    }
    [member, otherMember] = members;

    const record = await api.post('/api/cases', aCase(), coordinator);
    const official = await api.post('/api/officials', anOfficial(), coordinator);
    const template = await api.post('/api/templates', anAppealTemplate(), coordinator);
    expect([record.status, official.status, template.status]).toEqual([201, 201, 201]);
    const appeal = await api.post('/api/appeals', { caseId: record.body.id, title: 'Free Rukhshona', templateIds: [template.body.id], officialIds: [official.body.id] }, coordinator);
    expect(appeal.status).toBe(201);
    ids = { caseId: record.body.id, officialId: official.body.id, templateId: template.body.id, appealId: appeal.body.id, memberId: member.id };
  });

  afterAll(async () => {
    await app?.close();
  });

  describe('anonymous', () => {
    it.each([
      route('GET', () => '/api/me'),
      route('GET', () => '/api/me/letters'),
      route('GET', () => '/api/cases'),
      route('GET', (i) => `/api/cases/${i.caseId}`),
      route('POST', () => '/api/cases', () => aCase()),
      route('GET', (i) => `/api/stats/cases/${i.caseId}`),
      route('GET', (i) => `/api/stats/supporters/${i.memberId}`),
      route('GET', (i) => `/api/supporters/${i.memberId}`),
      route('GET', (i) => `/api/appeals/${i.appealId}`),
      route('POST', (i) => `/api/appeals/${i.appealId}/launch`),
      route('POST', (i) => `/api/appeals/${i.appealId}/signatures`, () => ({})),
      route('GET', () => '/api/supporters'),
    ].map((target) => [`${target.method} ${target.path({ caseId: ':id', officialId: ':id', templateId: ':id', appealId: ':id', memberId: ':id' })}`, target]))(
      'gets 401 on %s and changes nothing',
      async (_name, target) => {
        const before = await snapshot();
        const response = await call(target, undefined);
        expect(response.status).toBe(401);
        expect(response.body).toEqual(expect.objectContaining({ statusCode: 401, error: 'Unauthorized' }));
        await expect(snapshot()).resolves.toEqual(before);
      },
    );

    it('can sign in, and the token it gets opens the protected routes', async () => {
      const response = await app.api.post('/api/auth/login', { email: member.email, password: member.password });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ accessToken: expect.any(String), supporter: expect.objectContaining({ id: member.id, email: member.email, role: 'member' }) });
      expect(JSON.stringify(response.body)).not.toMatch(/password|scrypt/i);
      const me = await app.api.get('/api/me', response.body.accessToken);
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(member.id);
    });

    it('signs in with the email in any case and with surrounding spaces', async () => {
      const response = await app.api.post('/api/auth/login', { email: `  ${member.email.toUpperCase()} `, password: member.password });
      expect(response.status).toBe(200);
      expect(response.body.supporter.id).toBe(member.id);
    });

    it('cannot tell an unknown email from a wrong password, or from an account without one', async () => {
      const passwordless = aSupporter({ password: undefined });
      expect((await app.api.post('/api/supporters', passwordless, coordinator)).status).toBe(201);

      const unknown = await app.api.post('/api/auth/login', { email: 'nobody@members.example', password: member.password });
      const wrong = await app.api.post('/api/auth/login', { email: member.email, password: 'not-the-password' });
      const noPassword = await app.api.post('/api/auth/login', { email: passwordless.email, password: 'anything-at-all' });
      expect(unknown.status).toBe(401);
      expect(wrong).toEqual(expect.objectContaining({ status: unknown.status, body: unknown.body }));
      expect(noPassword).toEqual(expect.objectContaining({ status: unknown.status, body: unknown.body }));
      expect(JSON.stringify(unknown.body)).not.toMatch(/nobody|not found|unknown/i);
    });

    it('gets 400 naming the field for a login without a password', async () => {
      const response = await app.api.post('/api/auth/login', { email: member.email });
      expect(response.status).toBe(400);
      expect(messagesOf(response.body)).toContainEqual(expect.stringMatching(/^password\b/));
    });
  });

  describe('a member', () => {
    it.each(Object.entries(COORDINATOR_ROUTES))('gets 403 on %s and changes nothing', async (_name, target) => {
      const before = await snapshot();
      const response = await call(target, member.token);
      expect(response.status).toBe(403);
      expect(response.body).toEqual(expect.objectContaining({ statusCode: 403, error: 'Forbidden' }));
      await expect(snapshot()).resolves.toEqual(before);
    });

    it("gets 404 for another member's record and stats, exactly as for an id that does not exist", async () => {
      const missingRecord = await app.api.get(`/api/supporters/${UNKNOWN_ID}`, member.token);
      const missingStats = await app.api.get(`/api/stats/supporters/${UNKNOWN_ID}`, member.token);
      expect([missingRecord.status, missingStats.status]).toEqual([404, 404]);

      const record = await app.api.get(`/api/supporters/${otherMember.id}`, member.token);
      const stats = await app.api.get(`/api/stats/supporters/${otherMember.id}`, member.token);
      expect(record).toEqual(expect.objectContaining({ status: 404, body: missingRecord.body }));
      expect(stats).toEqual(expect.objectContaining({ status: 404, body: missingStats.body }));
      expect(JSON.stringify([record.body, stats.body])).not.toContain('Bruno');
    });

    it('gets 200 for its own record and stats', async () => {
      const record = await app.api.get(`/api/supporters/${member.id}`, member.token);
      expect(record.status).toBe(200);
      expect(record.body).toEqual(expect.objectContaining({ id: member.id, name: 'Alice Member', role: 'member' }));
      expect(JSON.stringify(record.body)).not.toMatch(/password|scrypt/i);
      const stats = await app.api.get(`/api/stats/supporters/${member.id}`, member.token);
      expect(stats.status).toBe(200);
      expect(stats.body).toEqual({ letters: { total: 0, queued: 0, held: 0, sending: 0, sent: 0, failed: 0, unknown: 0, cancelled: 0, bounced: 0, printed: 0, posted: 0 }, cases: [] });
    });

    it('may read cases and appeals', async () => {
      await expect(app.api.get('/api/cases', member.token)).resolves.toEqual(expect.objectContaining({ status: 200 }));
      const appeal = await app.api.get(`/api/appeals/${ids.appealId}`, member.token);
      expect(appeal.status).toBe(200);
      expect(appeal.body.id).toBe(ids.appealId);
    });
  });

  describe('a coordinator', () => {
    it("can read any member's record and stats", async () => {
      for (const target of [member, otherMember]) {
        const record = await app.api.get(`/api/supporters/${target.id}`, coordinator);
        expect(record.status).toBe(200);
        expect(record.body.id).toBe(target.id);
        const stats = await app.api.get(`/api/stats/supporters/${target.id}`, coordinator);
        expect(stats.status).toBe(200);
        expect(stats.body.letters.total).toBe(0);
      }
      const list = await app.api.get('/api/supporters', coordinator);
      expect(list.status).toBe(200);
      expect(list.body.items.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining([member.id, otherMember.id]));
    });

    it.each(['coordinator', 'admin'])('cannot create a supporter with role %s', async (role) => {
      const body = aSupporter({ role });
      const before = await countRows(app.db, 'supporters');
      const response = await app.api.post('/api/supporters', body, coordinator);
      expect(response.status).toBe(400);
      expect(messagesOf(response.body)).toContainEqual(expect.stringMatching(/^role\b/));
      await expect(countRows(app.db, 'supporters')).resolves.toBe(before);
      await expect(countRows(app.db, 'supporters', 'email = $1', [body.email])).resolves.toBe(0);
    });
  });

  describe('an admin', () => {
    it.each(['coordinator', 'admin'])('can create a supporter with role %s, who then holds that role', async (role) => {
      const body = aSupporter({ role });
      const response = await app.api.post('/api/supporters', body, app.adminToken);
      expect(response.status).toBe(201);
      expect(response.body.role).toBe(role);
      const { rows } = await app.db.query('SELECT role FROM supporters WHERE id = $1', [response.body.id]);
      expect(rows).toEqual([{ role }]);
      const token = await app.api.login(body.email, body.password);
      const created = await app.api.post('/api/cases', aCase({ name: `Case recorded by a new ${role}` }), token);
      expect(created.status).toBe(201);
      const list = await app.api.get('/api/officials', token);
      expect(list.status).toBe(200);
    });
  });

  describe('malformed ids', () => {
    it.each(Object.entries(ID_ROUTES))('%s answers 404 for every malformed id and an unknown one, never 500', async (_name, target) => {
      const before = await snapshot();
      for (const bad of [...MALFORMED_IDS.map(encodeURIComponent), UNKNOWN_ID]) {
        const badIds: Ids = { ...ids, caseId: bad, officialId: bad, templateId: bad, appealId: bad, memberId: bad };
        // The ids in a body stay valid: only the path is wrong.
        const path = target.path(badIds);
        const response =
          target.body === undefined
            ? await app.api.request(target.method, path, { token: app.adminToken })
            : await app.api.request(target.method, path, { token: app.adminToken, body: target.body(ids) });
        expect({ path: path.slice(0, 80), status: response.status }).toEqual({ path: path.slice(0, 80), status: 404 });
        expect(response.body).toEqual(expect.objectContaining({ statusCode: 404, error: 'Not Found' }));
      }
      await expect(snapshot()).resolves.toEqual(before);
    });

    it('a page number too large for Postgres is 400 naming page, not 500', async () => {
      for (const path of ['/api/cases?page=1e20', '/api/supporters?page=100000000000000000', '/api/officials?page=1e20', '/api/templates?page=1e20']) {
        const response = await app.api.get(path, app.adminToken);
        expect({ path, status: response.status }).toEqual({ path, status: 400 });
        expect(messagesOf(response.body)).toContainEqual(expect.stringMatching(/^page\b/));
      }
      const ownLetters = await app.api.get('/api/me/letters?page=1e20', otherMember.token);
      expect(ownLetters.status).toBe(400);
    });

    it('null for a field a case cannot lack is 400 naming it, and the case is unchanged', async () => {
      const before = await app.db.query('SELECT name, country, status, summary, tags FROM cases WHERE id = $1', [ids.caseId]);
      for (const field of ['name', 'country', 'status', 'summary', 'tags']) {
        const response = await app.api.patch(`/api/cases/${ids.caseId}`, { [field]: null }, coordinator);
        expect({ field, status: response.status }).toEqual({ field, status: 400 });
        expect(messagesOf(response.body)).toContainEqual(expect.stringMatching(new RegExp(`^${field}\\b`)));
      }
      await expect(app.db.query('SELECT name, country, status, summary, tags FROM cases WHERE id = $1', [ids.caseId]).then((r) => r.rows)).resolves.toEqual(before.rows);
      const cleared = await app.api.patch(`/api/cases/${ids.caseId}`, { charges: null }, coordinator);
      expect(cleared.status).toBe(200);
      expect(cleared.body.charges).toBeNull();
    });

    it("a member gets 404 for a malformed id on its own routes too", async () => {
      for (const path of ['/api/supporters/not-a-uuid', '/api/stats/supporters/not-a-uuid', '/api/appeals/not-a-uuid', '/api/cases/not-a-uuid']) {
        const response = await app.api.get(path, member.token);
        expect({ path, status: response.status }).toEqual({ path, status: 404 });
      }
    });
  });

  describe('tokens', () => {
    const secret = () => app.config.appSecret;
    const now = () => Math.floor(Date.now() / 1000);

    it('a token forged with the right secret works, which makes the refusals below meaningful', async () => {
      const token = signToken({ sub: member.id, role: 'member', aud: 'qalam:api', iat: now(), exp: now() + 600 }, secret());
      const me = await app.api.get('/api/me', token);
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(member.id);
    });

    it.each<[string, () => string]>([
      ['a payload rewritten to claim admin', () => withPayload(member.token, { ...claimsOf(member.token), role: 'admin' })],
      ['a payload rewritten to be another supporter', () => withPayload(member.token, { ...claimsOf(member.token), sub: otherMember.id })],
      ['a signature with one character changed', () => member.token.slice(0, -3) + (member.token.slice(-3, -2) === 'A' ? 'B' : 'A') + member.token.slice(-2)],
      ['no signature', () => member.token.split('.').slice(0, 2).join('.') + '.'],
      ['an expired token', () => signToken({ sub: member.id, role: 'member', iat: now() - 7200, exp: now() - 3600 }, secret())],
      ['a token not valid yet', () => signToken({ sub: member.id, role: 'member', iat: now(), nbf: now() + 3600, exp: now() + 7200 }, secret())],
      ['a token for an emailed link (another audience), not for the API', () => signToken({ sub: member.id, aud: 'qalam:sign', iat: now(), exp: now() + 600 }, secret())],
      ['a token with no audience', () => signToken({ sub: member.id, role: 'member', iat: now(), exp: now() + 600 }, secret())],
      ['a token signed with another secret', () => signToken({ sub: member.id, role: 'member', iat: now(), exp: now() + 600 }, 'some-other-secret-that-is-long-enough-000')],
      ['an unsigned token (alg none)', () => signToken({ sub: member.id, role: 'admin', iat: now(), exp: now() + 600 }, '', { alg: 'none', typ: 'JWT' }).replace(/\.[^.]*$/, '.')],
      ['a valid signature for a supporter that does not exist', () => signToken({ sub: UNKNOWN_ID, role: 'admin', iat: now(), exp: now() + 600 }, secret())],
      ['a valid signature with a subject that is not an id', () => signToken({ sub: "' OR 1=1 --", role: 'admin', iat: now(), exp: now() + 600 }, secret())],
      ['garbage', () => 'not.a.token'],
    ])('%s is 401', async (_name, forge) => {
      const token = forge();
      for (const target of [route('GET', () => '/api/me'), COORDINATOR_ROUTES['GET /api/supporters'], COORDINATOR_ROUTES['POST /api/cases']]) {
        const before = await countRows(app.db, 'cases');
        const response = await call(target, token);
        expect(response.status).toBe(401);
        await expect(countRows(app.db, 'cases')).resolves.toBe(before);
      }
    });

    it('a token sent without the Bearer scheme is 401', async () => {
      for (const authorization of [member.token, `Basic ${member.token}`, `Bearer  ${member.token}`, `bearer${member.token}`]) {
        const response = await fetch(`${app.api.baseUrl}/api/me`, { headers: { authorization } });
        expect(response.status).toBe(401);
      }
    });

    it('the first admin signs in with ADMIN_EMAIL and ADMIN_PASSWORD', async () => {
      const response = await app.api.post('/api/auth/login', ADMIN);
      expect(response.status).toBe(200);
      expect(response.body.supporter.role).toBe('admin');
    });
  });
});
