import { Browserish, csrfOf } from './helpers/console';
import { addAutoSigners } from './helpers/delivery';
import { aCase, anAppealTemplate, anOfficial, aSupporter } from './helpers/factories';
import { countRows, messagesOf } from './helpers/responses';
import { startTestApp, TestApp } from './helpers/test-app';

/** Decodes the few entities Handlebars writes, to compare a page's text with what was typed. */
function text(html: string): string {
  return html.replace(/&#x3D;/g, '=').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&#x60;/g, '`').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * What the print fonts cannot set, and officials who lost their address: a template edited
 * while a post appeal uses it, a post appeal launched, and a cycle opened, each refused
 * (400, naming what and why, changing nothing), over the API and in the console's words.
 */
describe('printable templates and reachable officials at launch and at a cycle’s opening', () => {
  let app: TestApp;
  let coordinator: string;
  let console: Browserish;
  let caseId: string;
  let postal: { id: string };
  let emailOnly: { id: string };

  const created = async (path: string, body: Record<string, unknown>): Promise<{ id: string; version: number }> => {
    const response = await app.api.post(path, body, coordinator);
    expect(response.status).toBe(201);
    return response.body;
  };

  const anAppeal = (channel: string, templateIds: string[], officialIds: string[], title = `By ${channel}`) => created('/api/appeals', { caseId, title, templateIds, officialIds, channel });

  beforeAll(async () => {
    app = await startTestApp('printable');
    const account = aSupporter({ role: 'coordinator' });
    expect((await app.api.post('/api/supporters', account, app.adminToken)).status).toBe(201);
    coordinator = await app.api.login(account.email, account.password);
    console = new Browserish(app.api.baseUrl);
    expect((await console.signIn(account.email, account.password)).status).toBe(303);
    caseId = (await created('/api/cases', aCase())).id;
    postal = await created('/api/officials', anOfficial({ email: 'both@tj-gov.example', postalAddress: 'Prospekt Rudaki 80\n734023 Dushanbe' }));
    emailOnly = await created('/api/officials', anOfficial({ email: 'only@tj-gov.example' }));
    await addAutoSigners(app.db, 3, 'printable');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('saves a template the fonts cannot set while no post appeal uses it, and refuses the edit once one does, naming the characters and the appeal', async () => {
    const template = await created('/api/templates', anAppealTemplate({ name: 'With a smile', body: `${anAppealTemplate().body}\n😀` }));
    expect((await app.api.patch(`/api/templates/${template.id}`, { body: `${anAppealTemplate().body}\n😀 😀` }, coordinator)).status).toBe(200);
    await anAppeal('email', [template.id], [emailOnly.id]);
    expect((await app.api.patch(`/api/templates/${template.id}`, { subject: 'Free {{case.name}} 😀' }, coordinator)).status).toBe(200);

    const printed = await created('/api/templates', anAppealTemplate({ name: 'For post' }));
    await anAppeal('email-then-post', [printed.id], [postal.id], 'Letters to Dushanbe');
    const refused = await app.api.patch(`/api/templates/${printed.id}`, { body: 'Dear {{official.salutation}},\nآزادی {{case.name}}' }, coordinator);
    expect(refused.status).toBe(400);
    expect(messagesOf(refused.body)).toEqual([expect.stringMatching(/^body line 2: characters the fonts of printed letters cannot set: U\+0622 آ, .*U\+06CC ی \(it is used by the post appeal 'Letters to Dushanbe'\)$/)]);
    const after = await app.api.get(`/api/templates/${printed.id}`, coordinator);
    expect(after.body.version).toBe(printed.version);
    expect(after.body.body).toBe(anAppealTemplate().body);
    // A new name alone changes no printed text.
    expect((await app.api.patch(`/api/templates/${printed.id}`, { name: 'For post, renamed' }, coordinator)).status).toBe(200);
  });

  it('says so in the template editor, at the line, with the appeal', async () => {
    const printed = await created('/api/templates', anAppealTemplate({ name: 'Edited in the console' }));
    await anAppeal('post', [printed.id], [postal.id], 'Paper for Dushanbe');
    const form = await console.get(`/console/templates/${printed.id}`);
    expect(form.status).toBe(200);
    const body = ['{{official.salutation}},', '', 'Release {{case.name}} 中', '{{supporter.signature}}'].join('\n');
    const refused = await console.post(`/console/templates/${printed.id}`, { _csrf: csrfOf(form.body), name: 'Edited in the console', subject: 'Free {{case.name}}', body });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatch(/<li data-field="body" data-line="3">/);
    expect(text(refused.body)).toContain('Printed letters cannot show these characters: U+4E2D 中. This template is printed by “Paper for Dushanbe”');
    expect(text(refused.body)).toContain(`>${body}</textarea>`);
    await expect(app.api.get(`/api/templates/${printed.id}`, coordinator)).resolves.toEqual(expect.objectContaining({ body: expect.objectContaining({ version: printed.version }) }));
  });

  it('refuses to launch a post appeal whose template the fonts cannot set, naming it and creating no letter; an email appeal with it launches', async () => {
    const template = await created('/api/templates', anAppealTemplate({ name: 'Emoji greeting', subject: 'Free {{case.name}} 😀' }));
    const post = await anAppeal('post', [template.id], [postal.id]);
    const refused = await app.api.post(`/api/appeals/${post.id}/launch`, undefined, coordinator);
    expect(refused.status).toBe(400);
    expect(messagesOf(refused.body)).toEqual(["templateIds: the template 'Emoji greeting' has characters the fonts of printed letters cannot set: U+1F600 😀"]);
    const after = await app.api.get(`/api/appeals/${post.id}`, coordinator);
    expect(after.body.status).toBe('draft');
    expect(after.body.letters.total).toBe(0);

    // The console's launch page, in its own words.
    const page = await console.get(`/console/appeals/${post.id}/launch`);
    expect(page.status).toBe(200);
    const launch = await console.post(`/console/appeals/${post.id}/launch`, { _csrf: csrfOf(page.body) });
    expect(launch.status).toBe(400);
    expect(text(launch.body)).toContain('Not launched: nothing was sent');
    expect(text(launch.body)).toContain('The template “Emoji greeting” has characters printed letters cannot show: U+1F600 😀.');

    const email = await anAppeal('email', [template.id], [emailOnly.id]);
    expect((await app.api.post(`/api/appeals/${email.id}/launch`, undefined, coordinator)).status).toBe(200);
  });

  const cycleOf = async (appealIds: string[]) => created('/api/cycles', { month: '2025-07', title: 'July letters', appealIds });

  const nothingOpened = async (cycleId: string, appealIds: string[]) => {
    const cycle = await app.api.get(`/api/cycles/${cycleId}`, coordinator);
    expect(cycle.body.status).toBe('draft');
    const { rows } = await app.db.query<{ count: number }>(`SELECT count(*)::int AS count FROM cycle_invitations WHERE cycle_id = $1`, [cycleId]);
    expect(rows[0].count).toBe(0);
    const letters = await app.db.query<{ count: number }>(`SELECT count(*)::int AS count FROM letters WHERE appeal_id = ANY($1::uuid[])`, [appealIds]);
    expect(letters.rows[0].count).toBe(0);
  };

  it('refuses to open a cycle whose appeal’s official lost the address its channel needs, naming both and inviting no one', async () => {
    const leaving = await created('/api/officials', anOfficial({ email: 'leaving@tj-gov.example' }));
    const template = await created('/api/templates', anAppealTemplate({ name: 'Cycle letter' }));
    const fine = await anAppeal('email', [template.id], [emailOnly.id]);
    const losing = await anAppeal('email', [template.id], [leaving.id]);
    const cycle = await cycleOf([fine.id, losing.id]);
    expect((await app.api.patch(`/api/officials/${leaving.id}`, { email: null, postalAddress: 'Somoni 1\nDushanbe' }, coordinator)).status).toBe(200);
    const invitationsBefore = await countRows(app.db, 'cycle_invitations');

    const refused = await app.api.post(`/api/cycles/${cycle.id}/open`, undefined, coordinator);
    expect(refused.status).toBe(400);
    expect(messagesOf(refused.body)).toEqual([`appealIds: appeal ${losing.id}: official ${leaving.id} has no email address for the email channel`]);
    await nothingOpened(cycle.id, [fine.id, losing.id]);
    await expect(countRows(app.db, 'cycle_invitations')).resolves.toBe(invitationsBefore);

    const page = await console.get(`/console/cycles/${cycle.id}`);
    const open = await console.post(`/console/cycles/${cycle.id}/open`, { _csrf: csrfOf(page.body) });
    expect(open.status).toBe(303);
    const shown = await console.get(open.location!);
    expect(text(shown.body)).toContain('An official of an appeal of this cycle no longer has the address the appeal’s channel needs');
  });

  it('refuses to open a cycle whose draft post appeal has a template the fonts cannot set, naming the appeal and the template', async () => {
    const template = await created('/api/templates', anAppealTemplate({ name: 'Chinese subject', subject: '释放 {{case.name}}' }));
    const post = await anAppeal('email-then-post', [template.id], [postal.id]);
    const cycle = await cycleOf([post.id]);

    const refused = await app.api.post(`/api/cycles/${cycle.id}/open`, undefined, coordinator);
    expect(refused.status).toBe(400);
    expect(messagesOf(refused.body)).toEqual([`appealIds: appeal ${post.id}: the template 'Chinese subject' has characters the fonts of printed letters cannot set: U+91CA 释, U+653E 放`]);
    await nothingOpened(cycle.id, [post.id]);

    const page = await console.get(`/console/cycles/${cycle.id}`);
    const open = await console.post(`/console/cycles/${cycle.id}/open`, { _csrf: csrfOf(page.body) });
    const shown = await console.get(open.location!);
    expect(text(shown.body)).toContain('A template of an appeal of this cycle sent by post has characters printed letters cannot show');
  });
});
