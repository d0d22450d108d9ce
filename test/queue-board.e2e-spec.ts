import { aSupporter } from './helpers/factories';
import { startTestApp, TestApp } from './helpers/test-app';

describe('Bull Board at /admin/queues', () => {
  let app: TestApp;
  let coordinator: string;
  let member: string;

  beforeAll(async () => {
    app = await startTestApp('queue-board');
    for (const role of ['coordinator', 'member'] as const) {
      const body = aSupporter({ role, email: `${role}@board.example` });
      expect((await app.api.post('/api/supporters', body, app.adminToken)).status).toBe(201);
      if (role === 'coordinator') coordinator = await app.api.login(body.email, body.password);
      else member = await app.api.login(body.email, body.password);
    }
  });

  afterAll(async () => {
    await app?.close();
  });

  it('lists the letters queue to an admin with a Bearer token', async () => {
    const queues = await app.api.get('/admin/queues/api/queues', app.adminToken);
    expect(queues.status).toBe(200);
    expect(queues.body.queues.map((q: { name: string }) => q.name)).toContain('letters');
    const page = await fetch(`${app.api.baseUrl}/admin/queues`, { headers: { authorization: `Bearer ${app.adminToken}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
  });

  it('opens to a browser through the HttpOnly cookie from POST /admin/session', async () => {
    const session = await fetch(`${app.api.baseUrl}/admin/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accessToken: app.adminToken }) });
    expect(session.status).toBe(204);
    const cookie = session.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^qalam_board=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/admin\/queues/);
    const queues = await fetch(`${app.api.baseUrl}/admin/queues/api/queues`, { headers: { cookie: cookie.split(';')[0] } });
    expect(queues.status).toBe(200);
    expect(((await queues.json()) as { queues: { name: string }[] }).queues.map((q) => q.name)).toContain('letters');
  });

  it('refuses coordinators and members (403) and anonymous callers (401)', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      expect((await app.api.get(path, coordinator)).status).toBe(403);
      expect((await app.api.get(path, member)).status).toBe(403);
      expect((await app.api.get(path)).status).toBe(401);
      expect((await app.api.get(path, 'not.a.token')).status).toBe(401);
    }
    expect((await app.api.post('/admin/session', { accessToken: member })).status).toBe(403);
    expect((await app.api.post('/admin/session', { accessToken: coordinator })).status).toBe(403);
    expect((await app.api.post('/admin/session', { accessToken: 'not.a.token' })).status).toBe(401);
    const forged = await fetch(`${app.api.baseUrl}/admin/queues/api/queues`, { headers: { cookie: `qalam_board=${member}` } });
    expect(forged.status).toBe(403);
  });
});
