import { Browserish, csrfOf } from './helpers/console';
import { addAutoSigners } from './helpers/delivery';
import { aCase, anAppealTemplate, anOfficial, aSupporter } from './helpers/factories';
import { memberTokens } from './helpers/member-mail';
import { countRows, tableCounts } from './helpers/responses';
import { SmtpSink } from './helpers/smtp-sink';
import { startTestApp, TestApp } from './helpers/test-app';

const AUTO_SIGNERS = 7;

/** Decodes the few entities Handlebars writes, to compare a page's text with what was typed. */
function text(html: string): string {
  return html.replace(/&#x3D;/g, '=').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&#x60;/g, '`').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * The console's templates and appeals over HTTP, as a browser without JavaScript uses them:
 * forms posted urlencoded with the session cookie and `_csrf`, each calling the same service
 * as its API route. A template refused at its line (400, nothing saved), fixed (303) and
 * previewed; an appeal built (303) with a deadline, its letter per official, the launch's
 * count and the letters it made, pause, resume and cancel; the deadline on the signing page;
 * and the refusals: no `_csrf`, a member, an anonymous visitor.
 */
describe('staff console: templates and appeals', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let coordinator: Browserish;
  let caseId: string;
  let officials: { id: string; name: string; language: string }[];

  const created = async (path: string, body: Record<string, unknown>) => {
    const response = await app.api.post(path, body, app.adminToken);
    expect(response.status).toBe(201);
    return response.body as { id: string; name: string; language: string };
  };

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    app = await startTestApp('console_appeals', { SMTP_URL: sink.url });
    const account = aSupporter({ role: 'coordinator' });
    await created('/api/supporters', account);
    coordinator = new Browserish(app.api.baseUrl);
    const signedIn = await coordinator.signIn(account.email as string, account.password as string);
    expect(signedIn.status).toBe(303);
    caseId = (await created('/api/cases', aCase({ name: 'Rukhshona Khakimova' }))).id;
    officials = [
      await created('/api/officials', anOfficial({ name: 'Jane Prosecutor', language: 'en' })),
      await created('/api/officials', anOfficial({ name: 'Юсуф Рахмонов', title: 'Генеральный прокурор', salutation: 'Уважаемый Генеральный прокурор', language: 'ru' })),
    ];
    await addAutoSigners(app.db, AUTO_SIGNERS, 'console-appeals');
  });

  afterAll(async () => {
    await app?.close();
    await sink?.stop();
  });

  it('lists the default templates on a fresh install', async () => {
    const page = await coordinator.get('/console/templates');
    expect(page.status).toBe(200);
    const { rows } = await app.db.query<{ id: string; name: string }>(`SELECT id, name FROM templates ORDER BY created_at`);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(page.body).toContain(`href="/console/templates/${row.id}"`);
  });

  it('refuses a template with an unknown variable at its line (400, the values kept, nothing saved), saves it fixed (303) and previews it', async () => {
    const form = await coordinator.get('/console/templates/new');
    expect(form.status).toBe(200);
    for (const variable of ['{{case.name}}', '{{official.salutation}}', '{{supporter.signature}}', '{{note}}']) expect(text(form.body)).toContain(variable);
    const body = ['{{official.salutation}},', '', 'Please release {{case.nmae}} now.', '', '{{supporter.signature}}'].join('\n');
    const before = await countRows(app.db, 'templates');
    const refused = await coordinator.post('/console/templates', { _csrf: csrfOf(form.body), name: 'Console appeal', kind: 'appeal', language: 'en', subject: 'Free {{case.name}}', body });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    // The error beside the body, at line 3, with the line's own text; the values kept.
    expect(refused.body).toMatch(/<li data-field="body" data-line="3"><span class="line-number">Line 3:<\/span> <code class="line-text">Please release \{\{case.nmae\}\} now.<\/code> <span class="line-message">[^<]*case\.nmae/);
    expect(refused.body).toContain('aria-describedby="template-body-hint template-body-problem"');
    expect(text(refused.body)).toContain(`>${body}</textarea>`);
    expect(refused.body).toContain('value="Console appeal"');
    await expect(countRows(app.db, 'templates')).resolves.toBe(before);

    // Posted with CRLF line breaks, as a browser posts a textarea: stored with LF, as the API stores it.
    const fixed = await coordinator.post('/console/templates', { _csrf: csrfOf(refused.body), name: 'Console appeal', kind: 'appeal', language: 'en', subject: 'Free {{case.name}}', body: body.replace('case.nmae', 'case.name').replace(/\n/g, '\r\n') });
    expect(fixed.status).toBe(303);
    const id = /^\/console\/templates\/([0-9a-f-]{36})$/.exec(fixed.location ?? '')?.[1];
    expect(id).toBeDefined();
    const { rows } = await app.db.query<{ body: string; version: number }>(`SELECT body, version FROM templates WHERE id = $1`, [id]);
    expect(rows).toEqual([{ body: body.replace('case.nmae', 'case.name'), version: 1 }]);

    const editor = await coordinator.get(`/console/templates/${id}`);
    expect(editor.status).toBe(200);
    expect(editor.body).toContain('<li data-version="1">');
    // An edit refused at its line keeps the saved version; an accepted one makes version 2.
    const badEdit = await coordinator.post(`/console/templates/${id}`, { _csrf: csrfOf(editor.body), name: 'Console appeal', subject: 'Free {{case.name}}', body: 'Hello\n{{#each case}}x{{/each}}' });
    expect(badEdit.status).toBe(400);
    expect(badEdit.body).toContain('data-field="body" data-line="2"');
    const edited = await coordinator.post(`/console/templates/${id}`, { _csrf: csrfOf(editor.body), name: 'Console appeal', subject: 'Free {{case.name}}!', body: rows[0].body });
    expect({ status: edited.status, location: edited.location }).toEqual({ status: 303, location: `/console/templates/${id}?saved=1` });
    await expect(app.db.query(`SELECT version FROM templates WHERE id = $1`, [id]).then((result) => result.rows[0].version)).resolves.toBe(2);
    // A default template (LF, from its file) saved from its form unchanged, line breaks as a browser sends them: no new version.
    const { rows: [defaults] } = await app.db.query<{ id: string; name: string; subject: string; body: string }>(`SELECT id, name, subject, body FROM templates WHERE name = 'Default appeal (en)'`);
    expect(defaults.body).toContain('\n');
    const defaultEditor = await coordinator.get(`/console/templates/${defaults.id}`);
    const unchanged = await coordinator.post(`/console/templates/${defaults.id}`, { _csrf: csrfOf(defaultEditor.body), name: defaults.name, subject: defaults.subject, body: defaults.body.replace(/\n/g, '\r\n') });
    expect(unchanged.status).toBe(303);
    await expect(app.db.query(`SELECT version, body FROM templates WHERE id = $1`, [defaults.id]).then((result) => result.rows[0])).resolves.toEqual({ version: 1, body: defaults.body });

    // The preview renders as POST /api/templates/:id/preview does.
    const member = await created('/api/supporters', aSupporter({ name: 'Preview Signer' }));
    const preview = await coordinator.post(`/console/templates/${id}/preview`, { _csrf: csrfOf(editor.body), caseId, officialId: officials[0].id, supporterId: member.id });
    expect(preview.status).toBe(200);
    const api = await app.api.post(`/api/templates/${id}/preview`, { caseId, officialId: officials[0].id, supporterId: member.id }, app.adminToken);
    expect(api.status).toBe(200);
    expect(text(preview.body)).toContain(`${api.body.subject}</p>`);
    expect(text(preview.body)).toContain(`<div class="letter-body">${api.body.body}</div>`);
    expect(api.body.body).toContain('Please release Rukhshona Khakimova now.');
    expect(api.body.body).toContain('Preview Signer');
    // A choice that names nothing is said beside it, not a 500.
    const unknown = await coordinator.post(`/console/templates/${id}/preview`, { _csrf: csrfOf(editor.body), caseId: '5b0c3f1e-8a7d-4c2b-9e6f-0a1b2c3d4e5f', officialId: officials[0].id });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatch(/id="preview-case-problem">\s*<p>Case not found<\/p>/);
    const malformed = await coordinator.post(`/console/templates/${id}/preview`, { _csrf: csrfOf(editor.body), caseId: 'nope', officialId: officials[0].id });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatch(/id="preview-case-problem">\s*<p>caseId must be a UUID<\/p>/);
  });

  it('builds an appeal with a deadline (303), previews the letter to each official, launches after saying how many letters, then pauses, resumes and cancels', async () => {
    const en = await created('/api/templates', anAppealTemplate({ name: 'Builder (en)' }));
    const ru = await created('/api/templates', anAppealTemplate({ name: 'Builder (ru)', language: 'ru', subject: 'Освободите {{case.name}}', body: '{{official.salutation}}!\n\nОсвободите {{case.name}}.\n\n{{supporter.signature}}' }));
    await app.api.request('PATCH', `/api/cases/${caseId}`, { token: app.adminToken, body: { translations: { ru: { name: 'Рухшона Хакимова', profession: 'журналист', summary: 'Журналист.', charges: 'Измена' } } } });
    const builder = await coordinator.get('/console/appeals/new');
    expect(builder.status).toBe(200);
    for (const field of ['name="caseId"', 'name="title"', 'name="templateIds"', 'name="officialIds"', 'name="deadline"']) expect(builder.body).toContain(field);

    // Refused: no official, a bad date; each problem beside its field, the values kept, nothing saved.
    const appealsBefore = await countRows(app.db, 'appeals');
    const refused = await coordinator.post('/console/appeals', { _csrf: csrfOf(builder.body), caseId, title: 'Free Rukhshona', templateIds: [ru.id, en.id], deadline: '2026-13-45' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatch(/id="appeal-officialIds-problem">\s*<p>officialIds must contain at least 1 elements<\/p>/);
    expect(refused.body).toMatch(/id="appeal-deadline-problem">\s*<p>deadline must be a date \(YYYY-MM-DD\)<\/p>/);
    expect(refused.body).toContain('value="Free Rukhshona"');
    expect(refused.body).toMatch(new RegExp(`<select id="appeal-templateIds" name="templateIds">[\\s\\S]*?<option value="${ru.id}" selected>`));
    await expect(countRows(app.db, 'appeals')).resolves.toBe(appealsBefore);
    // A service's refusal (one template per language) beside its field too.
    const twice = await coordinator.post('/console/appeals', { _csrf: csrfOf(builder.body), caseId, title: 'Twice', templateIds: [en.id, en.id], officialIds: [officials[0].id] });
    expect(twice.status).toBe(400);
    expect(twice.body).toMatch(/id="appeal-templateIds-problem">\s*<p>templateIds/);

    // Accepted: the order of the template fields is the order stored (Russian first).
    const made = await coordinator.post('/console/appeals', { _csrf: csrfOf(builder.body), caseId, title: 'Free Rukhshona', templateIds: [ru.id, en.id], officialIds: officials.map((o) => o.id), deadline: '2026-12-10' });
    expect(made.status).toBe(303);
    const appealId = /^\/console\/appeals\/([0-9a-f-]{36})$/.exec(made.location ?? '')?.[1] as string;
    expect(appealId).toBeDefined();
    const stored = await app.api.get(`/api/appeals/${appealId}`, app.adminToken);
    expect(stored.body).toMatchObject({ status: 'draft', channel: 'email', deadline: '2026-12-10', templateIds: [ru.id, en.id] });

    const page = await coordinator.get(`/console/appeals/${appealId}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<time datetime="2026-12-10">10 December 2026</time>');
    // One letter per official, each in the official's language, through the one rendering path.
    expect(page.body).toMatch(new RegExp(`data-official-id="${officials[0].id}"[\\s\\S]*?Release Rukhshona Khakimova`));
    expect(page.body).toMatch(new RegExp(`data-official-id="${officials[1].id}"[\\s\\S]*?Освободите Рухшона Хакимова`));
    expect(page.body).toContain(`href="/console/appeals/${appealId}/launch"`);

    // The confirmation says exactly how many letters the launch creates.
    const confirmation = await coordinator.get(`/console/appeals/${appealId}/launch`);
    expect(confirmation.status).toBe(200);
    const expected = AUTO_SIGNERS * officials.length;
    expect(confirmation.body).toContain(`data-letters="${expected}">Launching creates ${expected} letters now.</p>`);
    await expect(countRows(app.db, 'letters', 'appeal_id = $1', [appealId])).resolves.toBe(0);
    const launched = await coordinator.post(`/console/appeals/${appealId}/launch`, { _csrf: csrfOf(confirmation.body) });
    expect({ status: launched.status, location: launched.location }).toEqual({ status: 303, location: `/console/appeals/${appealId}` });
    await expect(countRows(app.db, 'letters', 'appeal_id = $1', [appealId])).resolves.toBe(expected);
    // A second click on the button: the launch page again, saying the appeal is no longer a draft; no letter more.
    const twiceLaunched = await coordinator.post(`/console/appeals/${appealId}/launch`, { _csrf: csrfOf(confirmation.body) });
    expect(twiceLaunched.status).toBe(409);
    expect(twiceLaunched.body).toContain('This appeal is Open: only a draft can be launched.');
    await expect(countRows(app.db, 'letters', 'appeal_id = $1', [appealId])).resolves.toBe(expected);

    const open = await coordinator.get(`/console/appeals/${appealId}`);
    expect(open.body).toContain('data-status="open"');
    expect(open.body).toMatch(/<dd data-count="total">14<\/dd>/);
    expect(open.body).toContain(`action="/console/appeals/${appealId}/pause"`);
    expect(open.body).not.toContain(`href="/console/appeals/${appealId}/launch"`);
    const list = await coordinator.get('/console/appeals?status=open');
    expect(list.status).toBe(200);
    expect(list.body).toMatch(new RegExp(`<tr data-appeal-id="${appealId}">[\\s\\S]*?<td data-count="total">${expected}</td>`));
    const drafts = await coordinator.get('/console/appeals?status=draft');
    expect(drafts.body).not.toContain(`data-appeal-id="${appealId}"`);

    const statusOf = async () => (await app.db.query(`SELECT status FROM appeals WHERE id = $1`, [appealId])).rows[0].status as string;
    for (const [action, status] of [['pause', 'paused'], ['resume', 'open'], ['cancel', 'cancelled']] as const) {
      const answer = await coordinator.post(`/console/appeals/${appealId}/${action}`, { _csrf: csrfOf(open.body) });
      expect({ action, status: answer.status, location: answer.location }).toEqual({ action, status: 303, location: `/console/appeals/${appealId}` });
      await expect(statusOf()).resolves.toBe(status);
    }
    const cancelled = await coordinator.get(`/console/appeals/${appealId}`);
    expect(cancelled.body).toContain('data-status="cancelled"');
    expect(cancelled.body).not.toContain(`/console/appeals/${appealId}/resume"`);
    // A second cancel is a refusal page, not a 500, and changes nothing.
    const again = await coordinator.post(`/console/appeals/${appealId}/cancel`, { _csrf: csrfOf(open.body) });
    expect(again.status).toBe(409);
  });

  it('refuses a launch the case has no translation for on the launch page (409), in its words, with the way to the case; nothing launched', async () => {
    const untranslated = await created('/api/cases', aCase({ name: 'Ahmad Ibrohimov', profession: 'journalist', charges: 'Treason' }));
    const ru = await created('/api/templates', anAppealTemplate({ name: 'Needs Russian (ru)', language: 'ru', subject: 'Освободите {{case.name}}', body: '{{official.salutation}}!\n\n{{case.name}}, {{case.profession}}.\n\n{{supporter.signature}}' }));
    const form = await coordinator.get('/console/appeals/new');
    const made = await coordinator.post('/console/appeals', { _csrf: csrfOf(form.body), caseId: untranslated.id, title: 'Free Ahmad', templateIds: [ru.id], officialIds: [officials[1].id] });
    expect(made.status).toBe(303);
    const appealId = made.location!.split('/').pop()!;
    const confirmation = await coordinator.get(`/console/appeals/${appealId}/launch`);
    const refused = await coordinator.post(`/console/appeals/${appealId}/launch`, { _csrf: csrfOf(confirmation.body) });
    expect(refused.status).toBe(409);
    // The console's page (its navigation, the launch button again), not a dead end; the fields in the page's words, not the API's advice.
    expect(refused.body).toContain('aria-label="Console"');
    expect(refused.body).toMatch(/<div class="problem-summary" role="alert"[^>]*>\s*<h2 id="launch-refused-heading">Not launched: nothing was sent<\/h2>/);
    expect(text(refused.body)).toContain('<li>The case has no Russian translation of: Name, Profession. The template “Needs Russian (ru)” uses them.</li>');
    expect(refused.body).toContain(`<a href="/console/cases/${untranslated.id}#edit">Add the translations to the case</a>`);
    expect(refused.body).not.toContain('PATCH /api');
    expect(refused.body).toContain(`action="/console/appeals/${appealId}/launch"`);
    await expect(app.db.query(`SELECT status FROM appeals WHERE id = $1`, [appealId]).then((result) => result.rows[0].status)).resolves.toBe('draft');
    await expect(countRows(app.db, 'letters', 'appeal_id = $1', [appealId])).resolves.toBe(0);
    // Opening a cycle launches its drafts: the same refusal, said on the cycle's page (it came back with nothing said).
    const cycle = await app.api.post('/api/cycles', { month: '2026-11', title: 'November letters', appealIds: [appealId] }, app.adminToken);
    expect(cycle.status).toBe(201);
    const cyclePage = await coordinator.get(`/console/cycles/${cycle.body.id}`);
    const opened = await coordinator.post(`/console/cycles/${cycle.body.id}/open`, { _csrf: csrfOf(cyclePage.body) });
    expect({ status: opened.status, location: opened.location }).toEqual({ status: 303, location: `/console/cycles/${cycle.body.id}?problem=case_untranslated` });
    const told = await coordinator.get(opened.location!);
    expect(told.body).toMatch(/<div class="problem-summary" role="alert"><p>An appeal of this cycle cannot be launched yet: its case lacks a translation its letters need\./);
    await expect(app.db.query(`SELECT status FROM cycles WHERE id = $1`, [cycle.body.id]).then((result) => result.rows[0].status)).resolves.toBe('draft');
  });

  it('shows the deadline on the member’s signing page, in the member’s language', async () => {
    const en = await created('/api/templates', anAppealTemplate({ name: 'Deadline (en)' }));
    const form = await coordinator.get('/console/appeals/new');
    const made = await coordinator.post('/console/appeals', { _csrf: csrfOf(form.body), caseId, title: 'Sign by December', templateIds: [en.id], officialIds: [officials[0].id], deadline: '2026-12-10' });
    expect(made.status).toBe(303);
    const appealId = made.location!.split('/').pop()!;
    const cycle = await app.api.post('/api/cycles', { month: '2026-12', title: 'December letters', appealIds: [appealId] }, app.adminToken);
    expect(cycle.status).toBe(201);
    expect((await app.api.post(`/api/cycles/${cycle.body.id}/open`, undefined, app.adminToken)).status).toBe(200);
    for (const [language, words] of [['en', 'Please sign by 10 December 2026.'], ['ru', 'Подпишите, пожалуйста, до 10 декабря 2026']] as const) {
      const member = await created('/api/supporters', aSupporter({ language }));
      const token = memberTokens(app.config).issue('sign', { supporterId: member.id, cycleId: cycle.body.id });
      const page = await fetch(`${app.api.baseUrl}/sign/${token}`);
      expect(page.status).toBe(200);
      await expect(page.text()).resolves.toContain(`<p class="appeal-deadline">${words}`);
    }
  });

  it('offers the channel (email by default), stores the one chosen, and refuses post to an official with no postal address beside the officials', async () => {
    const en = await created('/api/templates', anAppealTemplate({ name: 'Channel (en)' }));
    const byPost = await created('/api/officials', anOfficial({ name: 'Postal Only', email: undefined, postalAddress: 'Prospekt Rudaki 80\nDushanbe' }));
    const form = await coordinator.get('/console/appeals/new');
    expect(form.status).toBe(200);
    expect(form.body).toContain('<input type="radio" id="appeal-channel-email" name="channel" value="email" checked>');
    expect(form.body).toContain('<input type="radio" id="appeal-channel-post" name="channel" value="post">');
    expect(form.body).toContain('<input type="radio" id="appeal-channel-email-then-post" name="channel" value="email-then-post">');

    const appealsBefore = await countRows(app.db, 'appeals');
    const refused = await coordinator.post('/console/appeals', { _csrf: csrfOf(form.body), caseId, title: 'Post to email only', templateIds: [en.id], officialIds: [officials[0].id], channel: 'post' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatch(new RegExp(`id="appeal-officialIds-problem">\\s*<p>officialIds: ${officials[0].id} has no postal address for the post channel</p>`));
    expect(refused.body).toContain('<input type="radio" id="appeal-channel-post" name="channel" value="post" checked>');
    await expect(countRows(app.db, 'appeals')).resolves.toBe(appealsBefore);

    const made = await coordinator.post('/console/appeals', { _csrf: csrfOf(refused.body), caseId, title: 'By post', templateIds: [en.id], officialIds: [byPost.id], channel: 'post' });
    expect(made.status).toBe(303);
    const appealId = made.location!.split('/').pop()!;
    const stored = await app.api.get(`/api/appeals/${appealId}`, app.adminToken);
    expect(stored.body).toMatchObject({ channel: 'post', officialIds: [byPost.id] });
  });

  it('refuses a form without _csrf (403, nothing written), a member (403) and an anonymous visitor (303 to /login)', async () => {
    const form = await coordinator.get('/console/appeals/new');
    const en = await created('/api/templates', anAppealTemplate({ name: 'Refusals (en)' }));
    const before = await tableCounts(app.db);
    const fields = { caseId, title: 'Without a token', templateIds: [en.id], officialIds: [officials[0].id] };
    for (const [path, body] of [
      ['/console/appeals', fields],
      ['/console/templates', { name: 'No token', kind: 'appeal', language: 'en', subject: 'x', body: 'y' }],
    ] as const) {
      const answer = await coordinator.post(path, body);
      expect({ path, status: answer.status }).toEqual({ path, status: 403 });
      const forged = await coordinator.post(path, { ...body, _csrf: 'not-a-token' });
      expect({ path, status: forged.status }).toEqual({ path, status: 403 });
    }
    await expect(tableCounts(app.db)).resolves.toEqual(before);
    expect(csrfOf(form.body)).toBeTruthy();

    const account = aSupporter();
    await created('/api/supporters', account);
    const memberToken = await app.api.login(account.email as string, account.password as string);
    for (const path of ['/console/templates', '/console/templates/new', '/console/appeals', '/console/appeals/new']) {
      const asMember = await fetch(`${app.api.baseUrl}${path}`, { headers: { authorization: `Bearer ${memberToken}` }, redirect: 'manual' });
      expect({ path, status: asMember.status }).toEqual({ path, status: 403 });
      const anonymous = await fetch(`${app.api.baseUrl}${path}`, { redirect: 'manual' });
      expect({ path, status: anonymous.status, location: anonymous.headers.get('location') }).toEqual({ path, status: 303, location: `/login?next=${encodeURIComponent(path)}` });
    }
    const memberPost = await fetch(`${app.api.baseUrl}/console/appeals`, { method: 'POST', headers: { authorization: `Bearer ${memberToken}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ caseId, title: 'Member' }).toString(), redirect: 'manual' });
    expect(memberPost.status).toBe(403);
    await expect(countRows(app.db, 'appeals', 'title = $1', ['Member'])).resolves.toBe(0);
  });
});
