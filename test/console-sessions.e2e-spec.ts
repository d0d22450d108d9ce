import { createHash } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Browserish, csrfOf, rawGet } from './helpers/console';
import { aSupporter } from './helpers/factories';
import { countRows, tableCounts } from './helpers/responses';
import { ADMIN, startTestApp, TestApp } from './helpers/test-app';

const LOGIN_LIMIT = 8;

/**
 * The staff console's foundation over HTTP: sign-in and sign-out with a session kept on the
 * server, the same refusal for an unknown email and a wrong password, the login rate limit,
 * CSRF on every form (403, nothing written), anonymous visitors sent to /login, members
 * refused, sessions ended by deactivation and role changes; and /, robots.txt, the favicon,
 * compressed responses.
 */
describe('staff console: sessions, CSRF and the front door', () => {
  let app: TestApp;
  const staff = async (role: 'coordinator' | 'admin' | 'member', extra: Record<string, unknown> = {}) => {
    const body = aSupporter({ role, ...extra });
    const created = await app.api.post('/api/supporters', body, app.adminToken);
    expect(created.status).toBe(201);
    return { id: created.body.id as string, email: body.email as string, password: body.password as string };
  };
  const sessionsOf = (supporterId: string) => countRows(app.db, 'staff_sessions', 'supporter_id = $1', [supporterId]);

  beforeAll(async () => {
    app = await startTestApp('console_sessions', { RATE_LIMIT_LOGIN_PER_MINUTE: String(LOGIN_LIMIT) });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('shows the sign-in form with email, password, a hidden _csrf and next', async () => {
    const browser = new Browserish(app.api.baseUrl);
    const form = await browser.get('/login?next=%2Fconsole%2Fappeals');
    expect(form.status).toBe(200);
    expect(form.headers.get('content-type')).toMatch(/^text\/html/);
    expect(form.body).toMatch(/<form method="post" action="\/login"/);
    for (const field of ['name="email"', 'name="password"', 'type="password"', 'name="_csrf"', 'name="next" value="/console/appeals"']) expect(form.body).toContain(field);
    expect(csrfOf(form.body)).toMatch(/^[0-9a-f]{64}\.[0-9a-f]+$/);
    expect(browser.jar.get('qalam_csrf')).toBe(csrfOf(form.body));
  });

  it('signs an admin in with an HttpOnly, SameSite=Lax cookie whose token only the hash of reaches Postgres, and out on the server', async () => {
    const browser = new Browserish(app.api.baseUrl);
    const signedIn = await browser.signIn(ADMIN.email, ADMIN.password, '/console?from=login');
    expect({ status: signedIn.status, location: signedIn.location }).toEqual({ status: 303, location: '/console?from=login' });
    const setCookie = signedIn.headers.getSetCookie().find((line) => line.startsWith('qalam_session='))!;
    expect(setCookie).toMatch(/; HttpOnly/i);
    expect(setCookie).toMatch(/; SameSite=Lax/i);
    expect(setCookie).toMatch(/; Path=\/(;|$)/);
    // PUBLIC_URL is http here: no Secure (the browser would drop it); https makes it __Host- and Secure (below).
    expect(setCookie).not.toMatch(/; Secure/i);
    const token = browser.jar.get('qalam_session')!;
    const { rows } = await app.db.query<{ token_hash: Buffer; supporter_id: string; idle: number; absolute: number }>(
      `SELECT token_hash, supporter_id, extract(epoch FROM (s.expires_at - s.created_at))::int AS absolute, extract(epoch FROM (now() - s.last_seen_at))::int AS idle
         FROM staff_sessions s JOIN supporters p ON p.id = s.supporter_id WHERE p.email = $1`,
      [ADMIN.email],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash.equals(createHash('sha256').update(token).digest())).toBe(true);
    expect(rows[0].absolute).toBe(7 * 24 * 3600);

    const home = await browser.get('/console');
    expect(home.status).toBe(200);
    expect(home.body).toContain('<h1>What needs attention</h1>');
    expect(home.body).toContain('href="/admin/queues"');
    expect(home.body).toMatch(/<form method="post" action="\/logout"[^>]*><input type="hidden" name="_csrf" value="[0-9a-f]{64}\.[0-9a-f]+">/);

    const old = browser.jar.header();
    const out = await browser.post('/logout', { _csrf: csrfOf(home.body) });
    expect({ status: out.status, location: out.location }).toEqual({ status: 303, location: '/login' });
    expect(browser.jar.get('qalam_session')).toBeUndefined();
    await expect(countRows(app.db, 'staff_sessions', 'token_hash = $1', [createHash('sha256').update(token).digest()])).resolves.toBe(0);
    // The old cookie, replayed, opens nothing.
    const replayed = await fetch(`${app.api.baseUrl}/console`, { headers: { cookie: old }, redirect: 'manual' });
    expect({ status: replayed.status, location: replayed.headers.get('location') }).toEqual({ status: 303, location: '/login?next=%2Fconsole' });
  });

  it('sends a sign-in only to a path of this site', async () => {
    const account = await staff('coordinator');
    for (const [next, location] of [['https://evil.example/', '/console'], ['//evil.example/x', '/console'], ['/\\evil.example', '/console'], ['/console/cases?q=a', '/console/cases?q=a'], ['', '/console']]) {
      const browser = new Browserish(app.api.baseUrl);
      const response = await browser.signIn(account.email, account.password, next);
      expect({ next, status: response.status, location: response.location }).toEqual({ next, status: 303, location });
    }
  });

  it('refuses an unknown email, a wrong password and an inactive account with one 401 page, the email kept, in comparable time', async () => {
    const account = await staff('coordinator');
    const inactive = await staff('coordinator');
    await app.db.query(`UPDATE supporters SET active = false WHERE id = $1`, [inactive.id]);
    const browser = new Browserish(app.api.baseUrl);
    const token = csrfOf((await browser.get('/login')).body);
    const attempt = async (email: string, password: string) => {
      const startedAt = performance.now();
      const response = await browser.post('/login', { _csrf: token, email, password, next: '/console' });
      return { response, ms: performance.now() - startedAt };
    };
    const unknown = await attempt('nobody-here@members.example', 'some-password-1');
    const wrong = await attempt(account.email, 'not-the-password');
    const off = await attempt(inactive.email, inactive.password);
    for (const { response } of [unknown, wrong, off]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.body).toContain('The email address or the password is wrong.');
      expect(response.headers.getSetCookie().some((line) => line.startsWith('qalam_session='))).toBe(false);
    }
    expect(unknown.response.body).toContain('value="nobody-here@members.example"');
    // The same page but for the email typed.
    const blank = (page: string, email: string) => page.split(email).join('EMAIL');
    expect(blank(unknown.response.body, 'nobody-here@members.example')).toBe(blank(wrong.response.body, account.email));
    expect(blank(off.response.body, inactive.email)).toBe(blank(wrong.response.body, account.email));
    // An unknown email runs scrypt too: it is not answered in a fraction of a wrong password's time.
    expect(unknown.ms).toBeGreaterThan(wrong.ms * 0.4);
    await expect(sessionsOf(account.id)).resolves.toBe(0);
    await expect(sessionsOf(inactive.id)).resolves.toBe(0);
  });

  it('tells a member with the right password that the console is not theirs (403), and opens no session', async () => {
    const member = await staff('member');
    const browser = new Browserish(app.api.baseUrl);
    const response = await browser.signIn(member.email, member.password);
    expect(response.status).toBe(403);
    expect(response.body).toContain('The console is for coordinators and admins');
    await expect(sessionsOf(member.id)).resolves.toBe(0);
    // A member's Bearer token on a console page: the 403 page, not JSON.
    const bearer = await app.api.login(member.email, member.password);
    const page = await fetch(`${app.api.baseUrl}/console`, { headers: { authorization: `Bearer ${bearer}` }, redirect: 'manual' });
    expect(page.status).toBe(403);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    await expect(page.text()).resolves.toContain('This page is not for your role');
  });

  it('limits sign-ins per email as POST /api/auth/login does: a 429 page with Retry-After', async () => {
    const account = await staff('coordinator');
    const browser = new Browserish(app.api.baseUrl);
    const token = csrfOf((await browser.get('/login')).body);
    for (let i = 0; i < LOGIN_LIMIT; i++) expect((await browser.post('/login', { _csrf: token, email: account.email, password: 'wrong' })).status).toBe(401);
    const locked = await browser.post('/login', { _csrf: token, email: account.email, password: account.password });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('content-type')).toMatch(/^text\/html/);
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(locked.body).toContain('Too many attempts');
    await expect(sessionsOf(account.id)).resolves.toBe(0);
    // The API's login counts on the same counter.
    expect((await app.api.post('/api/auth/login', { email: account.email, password: account.password })).status).toBe(429);
  });

  it('refuses a form without a valid _csrf, or from another origin, with 403, and writes nothing', async () => {
    const account = await staff('coordinator');
    const browser = new Browserish(app.api.baseUrl);
    expect((await browser.signIn(account.email, account.password)).status).toBe(303);
    const home = await browser.get('/console');
    const token = csrfOf(home.body);
    const stranger = new Browserish(app.api.baseUrl);
    const strangerToken = csrfOf((await stranger.get('/login')).body);
    const before = await tableCounts(app.db);
    const refusals = [
      await browser.post('/logout', {}),
      await browser.post('/logout', { _csrf: 'f'.repeat(64) + '.00' }),
      // Another browser's valid token, and a token of the signed-out login form: bound to another session.
      await browser.post('/logout', { _csrf: strangerToken }),
      await browser.post('/logout', { _csrf: token }, { origin: 'https://evil.example' }),
      await browser.post('/logout', { _csrf: token }, { referer: 'https://evil.example/page' }),
      // A sign-in without its token opens no session either.
      await stranger.post('/login', { email: account.email, password: account.password }),
      await stranger.post('/login', { _csrf: strangerToken, email: account.email, password: account.password }, { origin: 'null' }),
    ];
    for (const response of refusals) {
      expect(response.status).toBe(403);
      expect(response.body).toContain('The form could not be accepted');
    }
    await expect(tableCounts(app.db)).resolves.toEqual(before);
    expect((await browser.get('/console')).status).toBe(200);
    // The right token from our own origin is taken.
    expect((await browser.post('/logout', { _csrf: token }, { origin: app.api.baseUrl })).status).toBe(303);
  });

  it('gives every form of the first page after signing in the one token of the cookie that page sets', async () => {
    const account = await staff('coordinator');
    const browser = new Browserish(app.api.baseUrl);
    expect((await browser.signIn(account.email, account.password, '/console/appeals/new')).location).toBe('/console/appeals/new');
    // The builder's own form and the layout's log-out form: one token, the one its cookie holds.
    const page = await browser.get('/console/appeals/new');
    const tokens = [...page.body.matchAll(/name="_csrf" value="([^"]+)"/g)].map((match) => match[1]);
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    expect(new Set(tokens).size).toBe(1);
    expect(page.headers.getSetCookie().filter((line) => line.startsWith('qalam_csrf='))).toHaveLength(1);
    expect((await browser.post('/logout', { _csrf: tokens[tokens.length - 1] }, { origin: app.api.baseUrl })).status).toBe(303);
    await expect(sessionsOf(account.id)).resolves.toBe(0);
  });

  it('sends anonymous visitors of /console to /login with next, and back there after signing in', async () => {
    const anonymous = await fetch(`${app.api.baseUrl}/console?tab=attention`, { redirect: 'manual' });
    expect({ status: anonymous.status, location: anonymous.headers.get('location') }).toEqual({ status: 303, location: '/login?next=%2Fconsole%3Ftab%3Dattention' });
    const account = await staff('coordinator');
    const browser = new Browserish(app.api.baseUrl);
    const form = await browser.get(anonymous.headers.get('location')!);
    // Handlebars escapes `=` in attribute values; the browser reads it back as `=`.
    expect(form.body).toContain('name="next" value="/console?tab&#x3D;attention"');
    const signedIn = await browser.post('/login', { _csrf: csrfOf(form.body), email: account.email, password: account.password, next: '/console?tab=attention' });
    expect(signedIn.location).toBe('/console?tab=attention');
    // Signed in, /login goes straight on.
    expect((await browser.get('/login')).location).toBe('/console');
  });

  it('ends every session of a supporter who is deactivated or whose role changes', async () => {
    const open = async (account: { email: string; password: string }) => {
      const browser = new Browserish(app.api.baseUrl);
      expect((await browser.signIn(account.email, account.password)).status).toBe(303);
      expect((await browser.get('/console')).status).toBe(200);
      return browser;
    };
    // Deactivated: the erasure route (DELETE /api/supporters/:id) deactivates and demotes.
    const erased = await staff('coordinator');
    const erasedBrowser = await open(erased);
    expect((await app.api.request('DELETE', `/api/supporters/${erased.id}`, { token: app.adminToken })).status).toBeLessThan(300);
    await expect(sessionsOf(erased.id)).resolves.toBe(0);
    expect((await erasedBrowser.get('/console')).status).toBe(303);

    // Deactivated (active = false) or given another role by any statement: its two browsers are signed out at once.
    const promoted = await staff('coordinator');
    const [first, second] = [await open(promoted), await open(promoted)];
    await expect(sessionsOf(promoted.id)).resolves.toBe(2);
    await app.db.query(`UPDATE supporters SET role = 'admin' WHERE id = $1`, [promoted.id]);
    await expect(sessionsOf(promoted.id)).resolves.toBe(0);
    expect((await first.get('/console')).status).toBe(303);
    expect((await second.get('/console')).status).toBe(303);

    const deactivated = await staff('coordinator');
    const browser = await open(deactivated);
    await app.db.query(`UPDATE supporters SET active = false WHERE id = $1`, [deactivated.id]);
    await expect(sessionsOf(deactivated.id)).resolves.toBe(0);
    expect((await browser.get('/console')).location).toBe('/login?next=%2Fconsole');

    // Another change (a name) leaves sessions alone.
    const renamed = await staff('coordinator');
    const kept = await open(renamed);
    await app.db.query(`UPDATE supporters SET name = 'Renamed Coordinator' WHERE id = $1`, [renamed.id]);
    expect((await kept.get('/console')).status).toBe(200);
  });

  it('lets the session cookie into the dashboard and, for admins, Bull Board', async () => {
    const coordinator = await staff('coordinator');
    const coordinatorBrowser = new Browserish(app.api.baseUrl);
    await coordinatorBrowser.signIn(coordinator.email, coordinator.password);
    expect((await coordinatorBrowser.get('/admin')).status).toBe(200);
    expect((await coordinatorBrowser.get('/admin/queues')).status).toBe(403);
    const admin = new Browserish(app.api.baseUrl);
    await admin.signIn(ADMIN.email, ADMIN.password);
    expect((await admin.get('/admin')).status).toBe(200);
    expect((await admin.get('/admin/queues')).status).toBe(200);
    // The board's changes, by cookie, only from its own origin.
    expect((await admin.send('PUT', '/admin/queues/api/queues/letters/retry/failed', { origin: 'https://evil.example' })).status).toBe(403);
    // The API does not take the cookie: it is for pages.
    expect((await admin.get('/api/me')).status).toBe(401);
    // In the staff member's language, as every console page.
    const russian = await staff('coordinator', { language: 'ru' });
    const russianBrowser = new Browserish(app.api.baseUrl);
    await russianBrowser.signIn(russian.email, russian.password);
    const dashboard = await russianBrowser.get('/admin');
    expect(dashboard.status).toBe(200);
    expect(dashboard.body).toContain('<html lang="ru">');
    expect(dashboard.body).toContain('<h1>Сводка доставки</h1>');
    expect(dashboard.body).toContain('<h2 id="failures-heading">Сбои по причинам</h2>');
  });

  it('sends staff from / to the console and shows everyone else a small home page', async () => {
    const home = await fetch(`${app.api.baseUrl}/`, { redirect: 'manual' });
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain('href="/login"');
    expect(html).toContain('href="/join"');
    expect(html).toContain('Staff sign in');
    const browser = new Browserish(app.api.baseUrl);
    await browser.signIn(ADMIN.email, ADMIN.password);
    const staffHome = await browser.get('/');
    expect({ status: staffHome.status, location: staffHome.location }).toEqual({ status: 303, location: '/console' });
  });

  it('serves robots.txt and a favicon', async () => {
    const robots = await fetch(`${app.api.baseUrl}/robots.txt`);
    expect(robots.status).toBe(200);
    expect(robots.headers.get('content-type')).toMatch(/^text\/plain/);
    const lines = (await robots.text()).split('\n');
    expect(lines).toEqual(expect.arrayContaining(['User-agent: *', 'Disallow: /console', 'Disallow: /admin', 'Disallow: /sign', 'Disallow: /api']));
    const icon = await fetch(`${app.api.baseUrl}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/x-icon');
    const bytes = Buffer.from(await icon.arrayBuffer());
    expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 1, 0]);
  });

  it('compresses pages and JSON above a threshold: gzip, or br when the client prefers it', async () => {
    const browser = new Browserish(app.api.baseUrl);
    await browser.signIn(ADMIN.email, ADMIN.password);
    const cookie = browser.jar.header();
    const page = await rawGet(`${app.api.baseUrl}/console`, { cookie, 'accept-encoding': 'gzip' });
    expect({ status: page.status, encoding: page.encoding }).toEqual({ status: 200, encoding: 'gzip' });
    expect(page.vary).toMatch(/Accept-Encoding/i);
    expect(gunzipSync(page.bytes).toString('utf8')).toContain('What needs attention');
    const json = await rawGet(`${app.api.baseUrl}/api/docs-json`, { 'accept-encoding': 'br, gzip' });
    expect({ status: json.status, encoding: json.encoding }).toEqual({ status: 200, encoding: 'br' });
    expect(JSON.parse(brotliDecompressSync(json.bytes).toString('utf8'))).toHaveProperty('openapi');
    // Small answers go as they are.
    const robots = await rawGet(`${app.api.baseUrl}/robots.txt`, { 'accept-encoding': 'gzip' });
    expect(robots.encoding).toBeUndefined();
  });
});

describe('staff console behind https', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp('console_https', { PUBLIC_URL: 'https://qalam.example' });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('marks the session cookie Secure and __Host- when PUBLIC_URL is https', async () => {
    const form = await fetch(`${app.api.baseUrl}/login`);
    const csrfCookie = form.headers.getSetCookie().find((line) => line.startsWith('__Host-qalam_csrf='))!;
    expect(csrfCookie).toMatch(/; Secure/i);
    const body = new URLSearchParams({ _csrf: csrfOf(await form.text()), email: ADMIN.email, password: ADMIN.password });
    const signedIn = await fetch(`${app.api.baseUrl}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie.split(';')[0] },
      body: body.toString(),
    });
    expect(signedIn.status).toBe(303);
    const session = signedIn.headers.getSetCookie().find((line) => line.startsWith('__Host-qalam_session='))!;
    expect(session).toMatch(/; Secure/i);
    expect(session).toMatch(/; HttpOnly/i);
    expect(session).toMatch(/; Path=\/(;|$)/);
    expect(session).not.toMatch(/Domain=/i);
  });
});
