import { Browserish, csrfOf } from './helpers/console';
import { aSupporter } from './helpers/factories';
import { tokenIn } from './helpers/member-mail';
import { countRows } from './helpers/responses';
import { SmtpSink } from './helpers/smtp-sink';
import { ADMIN, startTestApp, TestApp } from './helpers/test-app';
import { waitFor } from './helpers/wait';

const PUBLIC_URL = 'http://qalam.test';

/**
 * The console's members and accounts over HTTP, on real Postgres, Redis and an SMTP sink:
 * keyset pages of members, search, deactivation and roles (the API's rule), the CSV upload's
 * report, password reset and invitations by mailed single-use links, one's own password, the
 * audit log; CSRF, members and anonymous visitors refused.
 */
describe('staff console: members and accounts', () => {
  let app: TestApp;
  let sink: SmtpSink;
  const staff = async (role: 'coordinator' | 'admin' | 'member') => {
    const body = aSupporter({ role });
    const created = await app.api.post('/api/supporters', body, app.adminToken);
    expect(created.status).toBe(201);
    return { id: created.body.id as string, email: body.email as string, password: body.password as string };
  };
  const signedIn = async (email: string, password: string) => {
    const browser = new Browserish(app.api.baseUrl);
    const response = await browser.signIn(email, password);
    expect(response.status).toBe(303);
    return browser;
  };
  const mailTo = (email: string, count = 1) =>
    waitFor(
      async () => {
        const mails = sink.messages.filter((message) => message.to[0] === email);
        return mails.length >= count ? mails : undefined;
      },
      async () => `no mail to the address yet (${sink.messages.length} in the sink)`,
      15_000,
    );
  const resetToken = (text: string) => tokenIn(text, PUBLIC_URL, '/password/reset/');

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    app = await startTestApp('console_members', { SMTP_URL: sink.url, MAIL_FROM: 'letters@qalam.example', ORG_NAME: 'Pen Friends', PUBLIC_URL, RETRY_DELAY_MS: '200' });
  });

  afterAll(async () => {
    await app?.close();
    await sink?.stop();
  });

  it('pages 120 members 50 at a time by keyset, none twice and none missing; searches by name and email', async () => {
    const rows = Array.from({ length: 120 }, (_, index) => `keyset-${index}@page.example,Keyset Person ${index},DE`);
    const imported = await app.api.request('POST', '/api/supporters/import', { token: app.adminToken, raw: `email,name,country\n${rows.join('\n')}\n`, contentType: 'text/csv' });
    expect(imported.status).toBe(201);
    const browser = await signedIn(ADMIN.email, ADMIN.password);
    const seen: string[] = [];
    let path: string | null = '/console/members?q=keyset-';
    let pages = 0;
    while (path) {
      const page = await browser.get(path);
      expect(page.status).toBe(200);
      const ids = [...page.body.matchAll(/data-member-id="([0-9a-f-]{36})"/g)].map((match) => match[1]);
      expect(ids.length).toBeLessThanOrEqual(50);
      seen.push(...ids);
      pages += 1;
      const next = /<a href="([^"]+)" rel="next">/.exec(page.body);
      path = next ? next[1].replace(/&#x3D;/g, '=').replace(/&amp;/g, '&') : null;
      if (path) expect(path).toMatch(/after=[0-9a-f-]{36}/);
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
    const { rows: all } = await app.db.query<{ id: string }>(`SELECT id FROM supporters WHERE email LIKE 'keyset-%'`);
    expect(new Set(seen)).toEqual(new Set(all.map((row) => row.id)));

    const byName = await browser.get('/console/members?q=Keyset%20Person%20117');
    expect(byName.body.match(/data-member-id=/g)).toHaveLength(1);
    const byEmail = await browser.get('/console/members?q=keyset-42%40page');
    expect(byEmail.body).toContain('keyset-42@page.example');
    expect(byEmail.body.match(/data-member-id=/g)).toHaveLength(1);
  });

  it('lets a coordinator deactivate a member, and only an admin change a role (403, nothing written), ending sessions', async () => {
    const coordinator = await staff('coordinator');
    const member = await staff('member');
    const browser = await signedIn(coordinator.email, coordinator.password);
    const page = await browser.get(`/console/members/${member.id}`);
    expect(page.status).toBe(200);
    expect(page.body).not.toContain(`action="/console/members/${member.id}/role"`);
    const off = await browser.post(`/console/members/${member.id}/active`, { _csrf: csrfOf(page.body), active: 'false' });
    expect({ status: off.status, location: off.location }).toEqual({ status: 303, location: `/console/members/${member.id}` });
    await expect(countRows(app.db, 'supporters', 'id = $1 AND NOT active', [member.id])).resolves.toBe(1);

    const role = await browser.post(`/console/members/${member.id}/role`, { _csrf: csrfOf(page.body), role: 'admin' });
    expect(role.status).toBe(403);
    await expect(countRows(app.db, 'supporters', `id = $1 AND role = 'member'`, [member.id])).resolves.toBe(1);
    await expect(countRows(app.db, 'audit_log', `action = 'supporter.role' AND subject_id = $1`, [member.id])).resolves.toBe(0);

    // A staff account: the coordinator may not touch it; an admin may, and its sessions end.
    const other = await staff('coordinator');
    const otherBrowser = await signedIn(other.email, other.password);
    const refused = await browser.post(`/console/members/${other.id}/active`, { _csrf: csrfOf(page.body), active: 'false' });
    expect(refused.status).toBe(403);
    await expect(countRows(app.db, 'supporters', 'id = $1 AND active', [other.id])).resolves.toBe(1);
    const admin = await signedIn(ADMIN.email, ADMIN.password);
    const adminPage = await admin.get(`/console/members/${other.id}`);
    const promoted = await admin.post(`/console/members/${other.id}/role`, { _csrf: csrfOf(adminPage.body), role: 'admin' });
    expect(promoted.status).toBe(303);
    await expect(countRows(app.db, 'supporters', `id = $1 AND role = 'admin'`, [other.id])).resolves.toBe(1);
    await expect(countRows(app.db, 'staff_sessions', 'supporter_id = $1', [other.id])).resolves.toBe(0);
    await expect(otherBrowser.get('/console')).resolves.toMatchObject({ status: 303 });
    await expect(countRows(app.db, 'audit_log', `action = 'supporter.role' AND subject_id = $1`, [other.id])).resolves.toBe(1);
    // The API's route, with the same rule.
    const coordinatorToken = await app.api.login(coordinator.email, coordinator.password);
    await expect(app.api.patch(`/api/supporters/${member.id}`, { role: 'coordinator' }, coordinatorToken)).resolves.toMatchObject({ status: 403 });
    await expect(app.api.patch(`/api/supporters/${member.id}`, { active: true }, coordinatorToken)).resolves.toMatchObject({ status: 200 });
  });

  it('imports a CSV upload and reports each bad line; records the import in the audit log', async () => {
    const browser = await signedIn(ADMIN.email, ADMIN.password);
    const form = await browser.get('/console/members/import');
    expect(form.status).toBe(200);
    const data = new FormData();
    data.append('_csrf', csrfOf(form.body));
    data.append('csv', new Blob(['email,name,country\nup-1@upload.example,Upload One,FR\nnot-an-email,Bad Row,FR\nup-2@upload.example,Upload Two,XX\n'], { type: 'text/csv' }), 'members.csv');
    const response = await fetch(`${app.api.baseUrl}/console/members/import`, { method: 'POST', body: data, headers: { cookie: browser.jar.header() }, redirect: 'manual' });
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(body).toContain('<dd data-count="created">1</dd>');
    expect(body).toContain('<tr data-line="3">');
    expect(body).toContain('<tr data-line="4">');
    await expect(countRows(app.db, 'supporters', `email = 'up-1@upload.example'`)).resolves.toBe(1);
    await expect(countRows(app.db, 'audit_log', `action = 'supporters.import' AND detail->>'created' = '1'`)).resolves.toBe(1);

    const noToken = new FormData();
    noToken.append('csv', new Blob(['email,name,country\nup-3@upload.example,Upload Three,FR\n']), 'members.csv');
    const refused = await fetch(`${app.api.baseUrl}/console/members/import`, { method: 'POST', body: noToken, headers: { cookie: browser.jar.header() }, redirect: 'manual' });
    expect(refused.status).toBe(403);
    await expect(countRows(app.db, 'supporters', `email = 'up-3@upload.example'`)).resolves.toBe(0);

    // A bad token, the token after the file, another origin: refused by the same CsrfGuard as every form, nothing written.
    const _csrf = csrfOf((await browser.get('/console/members/import')).body);
    const file = { content: 'email,name,country\nup-4@upload.example,Upload Four,FR\n', filename: 'members.csv', type: 'text/csv' };
    const imports = () => countRows(app.db, 'audit_log', `action = 'supporters.import'`);
    const importsBefore = await imports();
    const statuses = {
      badToken: (await browser.postMultipart('/console/members/import', [['_csrf', `${_csrf.slice(0, -4)}${_csrf.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`], ['csv', file]])).status,
      tokenAfterFile: (await browser.postMultipart('/console/members/import', [['csv', file], ['_csrf', _csrf]])).status,
      otherOrigin: (await browser.postMultipart('/console/members/import', [['_csrf', _csrf], ['csv', file]], { origin: 'https://forms.attacker.example' })).status,
    };
    expect(statuses).toEqual({ badToken: 403, tokenAfterFile: 403, otherOrigin: 403 });
    await expect(countRows(app.db, 'supporters', `email = 'up-4@upload.example'`)).resolves.toBe(0);
    await expect(imports()).resolves.toBe(importsBefore);
    // A post with its token but no file: the form again, nothing imported.
    const noFile = await browser.postMultipart('/console/members/import', [['_csrf', _csrf], ['csv', { content: '', filename: '', type: 'application/octet-stream' }]]);
    expect(noFile.status).toBe(400);
    expect(noFile.body).toContain('Choose a CSV file to import.');
    await expect(imports()).resolves.toBe(importsBefore);
  });

  it('resets a password through a mailed single-use link; an unknown email gets the same answer; an expired link is refused', async () => {
    const coordinator = await staff('coordinator');
    const before = await signedIn(coordinator.email, coordinator.password);
    const ask = async (email: string) => {
      const browser = new Browserish(app.api.baseUrl);
      const form = await browser.get('/password/forgot');
      return browser.post('/password/forgot', { _csrf: csrfOf(form.body), email });
    };
    const known = await ask(coordinator.email);
    const unknown = await ask('nobody@nowhere.example');
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(unknown.body.replace(/value="[^"]*"/g, '')).toBe(known.body.replace(/value="[^"]*"/g, ''));
    const [mail] = await mailTo(coordinator.email);
    const token = resetToken(mail.text);
    await expect(countRows(app.db, 'password_tokens', 'token_hash = sha256(convert_to($1, \'UTF8\'))', [token])).resolves.toBe(1);

    const browser = new Browserish(app.api.baseUrl);
    const form = await browser.get(`/password/reset/${token}`);
    expect(form.status).toBe(200);
    const set = await browser.post(`/password/reset/${token}`, { _csrf: csrfOf(form.body), password: 'a-new-password-1', passwordRepeat: 'a-new-password-1' });
    expect({ status: set.status, location: set.location }).toEqual({ status: 303, location: '/password/done' });
    await expect(before.get('/console')).resolves.toMatchObject({ status: 303 });
    await expect(signedIn(coordinator.email, 'a-new-password-1')).resolves.toBeInstanceOf(Browserish);
    const again = await browser.post(`/password/reset/${token}`, { _csrf: csrfOf(form.body), password: 'another-password-2', passwordRepeat: 'another-password-2' });
    expect(again.status).toBe(410);
    await expect(app.api.login(coordinator.email, 'another-password-2')).rejects.toThrow();

    await ask(coordinator.email);
    const mails = await mailTo(coordinator.email, 2);
    const second = resetToken(mails[1].text);
    await app.db.query(`UPDATE password_tokens SET expires_at = now() - interval '1 second', created_at = now() - interval '2 hours' WHERE token_hash = sha256(convert_to($1, 'UTF8'))`, [second]);
    await expect(browser.get(`/password/reset/${second}`)).resolves.toMatchObject({ status: 410 });
    const expired = await browser.post(`/password/reset/${second}`, { _csrf: csrfOf(form.body), password: 'expired-password-3', passwordRepeat: 'expired-password-3' });
    expect(expired.status).toBe(410);
  });

  it('lets an admin invite a coordinator, who sets a password from the mailed link and signs in', async () => {
    const admin = await signedIn(ADMIN.email, ADMIN.password);
    const form = await admin.get('/console/members/invite');
    expect(form.status).toBe(200);
    const bad = await admin.post('/console/members/invite', { _csrf: csrfOf(form.body), email: 'nope', name: 'Invitee', country: 'DE', language: 'en' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('id="f-email-problem"');
    const email = `invitee-${Date.now()}@staff.example`;
    const sent = await admin.post('/console/members/invite', { _csrf: csrfOf(form.body), email, name: 'Invited Coordinator', country: 'DE', language: 'en' });
    expect(sent.status).toBe(303);
    await expect(countRows(app.db, 'supporters', `email = $1 AND role = 'coordinator' AND password_hash IS NULL`, [email])).resolves.toBe(1);
    const [mail] = await mailTo(email);
    const token = resetToken(mail.text);
    const browser = new Browserish(app.api.baseUrl);
    const page = await browser.get(`/password/reset/${token}`);
    await expect(browser.post(`/password/reset/${token}`, { _csrf: csrfOf(page.body), password: 'invited-password-1', passwordRepeat: 'invited-password-1' })).resolves.toMatchObject({ status: 303 });
    const home = await (await signedIn(email, 'invited-password-1')).get('/console');
    expect(home.status).toBe(200);
    await expect(countRows(app.db, 'audit_log', `action = 'staff.invite'`)).resolves.toBe(1);
    // A coordinator cannot invite.
    const coordinator = await signedIn(email, 'invited-password-1');
    await expect(coordinator.get('/console/members/invite')).resolves.toMatchObject({ status: 403 });
  });

  it('changes one’s own password given the current one (a wrong one refused)', async () => {
    const coordinator = await staff('coordinator');
    const browser = await signedIn(coordinator.email, coordinator.password);
    const form = await browser.get('/console/account');
    const wrong = await browser.post('/console/account', { _csrf: csrfOf(form.body), currentPassword: 'not-it-at-all', password: 'changed-password-1', passwordRepeat: 'changed-password-1' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('id="f-currentPassword-problem"');
    await expect(app.api.login(coordinator.email, coordinator.password)).resolves.toEqual(expect.any(String));
    const right = await browser.post('/console/account', { _csrf: csrfOf(form.body), currentPassword: coordinator.password, password: 'changed-password-1', passwordRepeat: 'changed-password-1' });
    expect(right.status).toBe(303);
    await expect(app.api.login(coordinator.email, 'changed-password-1')).resolves.toEqual(expect.any(String));
    await expect(browser.get('/console/account')).resolves.toMatchObject({ status: 200 });
  });

  it('refuses an invalid new cycle with each problem beside its field, writing nothing; lists cycles', async () => {
    const browser = await signedIn(ADMIN.email, ADMIN.password);
    const form = await browser.get('/console/cycles/new');
    expect(form.status).toBe(200);
    const bad = await browser.post('/console/cycles/new', { _csrf: csrfOf(form.body), month: '2026-13', title: 'Bad', appealIds: [] });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('id="f-month-problem"');
    expect(bad.body).toContain('id="f-appealIds-problem"');
    await expect(countRows(app.db, 'cycles')).resolves.toBe(0);
    await expect(browser.get('/console/cycles')).resolves.toMatchObject({ status: 200 });
  });

  it('shows the audit log to admins only; refuses a post without _csrf, a member and an anonymous visitor', async () => {
    const admin = await signedIn(ADMIN.email, ADMIN.password);
    const audit = await admin.get('/console/audit');
    expect(audit.status).toBe(200);
    expect(audit.body).toContain('data-action="supporter.role"');
    expect(audit.body).toContain('data-action="supporters.import"');
    // Who and what by today's names, and the change in the page's words.
    expect(audit.body).toMatch(/<tr data-action="supporter.role"><td>[^<]+<\/td><td><a href="\/console\/members\/[0-9a-f-]{36}">Administrator<\/a><\/td><td>changed a role<\/td><td><a href="\/console\/members\/[0-9a-f-]{36}">[^<]+<\/a><\/td><td>coordinator → admin<\/td><\/tr>/);
    expect(audit.body).toMatch(/<tr data-action="supporters.import">.*<td>\d+ created, \d+ updated, \d+ skipped, \d+ lines refused<\/td><\/tr>/);
    const coordinator = await staff('coordinator');
    const coordinatorBrowser = await signedIn(coordinator.email, coordinator.password);
    await expect(coordinatorBrowser.get('/console/audit')).resolves.toMatchObject({ status: 403 });
    const member = await staff('member');
    const noToken = await admin.post(`/console/members/${member.id}/active`, { active: 'false' });
    expect(noToken.status).toBe(403);
    await expect(countRows(app.db, 'supporters', 'id = $1 AND active', [member.id])).resolves.toBe(1);
    const memberToken = await app.api.login(member.email, member.password);
    const forMember = await fetch(`${app.api.baseUrl}/console/members`, { headers: { authorization: `Bearer ${memberToken}` }, redirect: 'manual' });
    expect(forMember.status).toBe(403);
    const anonymous = await fetch(`${app.api.baseUrl}/console/members`, { redirect: 'manual' });
    expect({ status: anonymous.status, location: anonymous.headers.get('location') }).toEqual({ status: 303, location: '/login?next=%2Fconsole%2Fmembers' });
  });
});
