import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browserish, csrfOf } from './helpers/console';
import { aCase, anAppealTemplate, anOfficial, aSupporter } from './helpers/factories';
import { settled } from './helpers/delivery';
import { memberTokens } from './helpers/member-mail';
import { flat, pdfText } from './helpers/poppler';
import { SmtpSink } from './helpers/smtp-sink';
import { startTestApp, TestApp } from './helpers/test-app';
import { waitFor } from './helpers/wait';

const FULL_NAME = 'Zarina Nazarova';
const CITY = 'Winnipeg';
/** Every part of a signer that a high-risk letter must not carry. */
const FORBIDDEN = [FULL_NAME, 'Zarina', 'Nazarova', CITY];
const TEMPLATE_BODY = [
  '{{official.salutation}},',
  '',
  'I am writing about {{case.name}}.',
  'Yours sincerely,',
  '{{supporter.signature}}{{#if supporter.city}}, {{supporter.city}}{{/if}}, {{supporter.countryName}}',
].join('\n');

describe("a case's risk: high-risk letters carry no full name or city", () => {
  let sink: SmtpSink;
  let app: TestApp;
  let coordinator: string;
  let templateId: string;
  let staffLogin: { email: string; password: string };

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    app = await startTestApp('case_risk', {
      SMTP_URL: sink.url,
      MAIL_FROM: 'letters@qalam.example',
      ORG_NAME: 'Pen Friends',
      ORG_POSTAL_ADDRESS: '12 Rue des Lilas\\n75011 Paris\\nFrance',
      PRINT_DIR: mkdtempSync(join(tmpdir(), 'qalam-risk-print-')),
      RECONCILE_SECONDS: '1',
    });
    const staff = aSupporter({ role: 'coordinator' });
    expect((await app.api.post('/api/supporters', staff, app.adminToken)).status).toBe(201);
    coordinator = await app.api.login(staff.email, staff.password);
    staffLogin = { email: staff.email, password: staff.password };
    const template = await app.api.post('/api/templates', anAppealTemplate({ body: TEMPLATE_BODY }), coordinator);
    expect(template.status).toBe(201);
    templateId = template.body.id;
  });

  afterAll(async () => {
    await app?.close();
    await sink?.stop();
  });

  /** A member whose default is to sign in full, with a city. */
  const aFullSigner = async (): Promise<{ id: string; token: string }> => {
    const body = aSupporter({ name: FULL_NAME, city: CITY, signatureStyle: 'full' });
    const created = await app.api.post('/api/supporters', body, coordinator);
    expect(created.status).toBe(201);
    return { id: created.body.id, token: await app.api.login(body.email, body.password) };
  };

  const anAppealOn = async (caseId: string, official: Record<string, unknown>, channel: 'email' | 'post'): Promise<string> => {
    const saved = await app.api.post('/api/officials', anOfficial(official), coordinator);
    expect(saved.status).toBe(201);
    const appeal = await app.api.post('/api/appeals', { caseId, title: 'Free her', templateIds: [templateId], officialIds: [saved.body.id], channel }, coordinator);
    expect(appeal.status).toBe(201);
    expect((await app.api.post(`/api/appeals/${appeal.body.id}/launch`, undefined, coordinator)).status).toBe(200);
    return appeal.body.id;
  };

  it('takes risk on POST and PATCH, shows it, and refuses anything else with a 400 that changes nothing', async () => {
    const normal = await app.api.post('/api/cases', aCase(), coordinator);
    expect(normal.status).toBe(201);
    expect(normal.body.risk).toBe('normal');
    const bad = await app.api.post('/api/cases', aCase({ risk: 'extreme' }), coordinator);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('risk must be one of normal, high');
    for (const risk of ['extreme', null, 3]) {
      const patched = await app.api.patch(`/api/cases/${normal.body.id}`, { risk }, coordinator);
      expect(patched.status).toBe(400);
    }
    const high = await app.api.patch(`/api/cases/${normal.body.id}`, { risk: 'high' }, coordinator);
    expect(high.status).toBe(200);
    expect(high.body.risk).toBe('high');
    await expect(app.db.query(`SELECT risk FROM cases WHERE id = $1`, [normal.body.id]).then((result) => result.rows[0].risk)).resolves.toBe('high');
    expect((await app.api.get(`/api/cases/${normal.body.id}`, coordinator)).body.risk).toBe('high');
  });

  it('sends a high-risk letter with initials and no city, in the body and the From header, and never records full', async () => {
    const created = await app.api.post('/api/cases', aCase({ risk: 'high' }), coordinator);
    expect(created.status).toBe(201);
    const appealId = await anAppealOn(created.body.id, { email: 'risk-official@gov.example' }, 'email');
    const signer = await aFullSigner();

    const refused = await app.api.post(`/api/appeals/${appealId}/signatures`, { signatureStyle: 'full' }, signer.token);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/signatureStyle/);
    await expect(app.db.query(`SELECT count(*)::int AS n FROM signatures WHERE appeal_id = $1`, [appealId]).then((result) => result.rows[0].n)).resolves.toBe(0);

    const signed = await app.api.post(`/api/appeals/${appealId}/signatures`, {}, signer.token);
    expect(signed.status).toBe(201);
    expect(signed.body.signature.signatureStyle).toBe('initials');
    await expect(app.db.query(`SELECT signature_style FROM signatures WHERE appeal_id = $1`, [appealId]).then((result) => result.rows[0].signature_style)).resolves.toBe('initials');

    const letters = await settled(app.db, appealId);
    expect(letters.map((letter) => letter.status)).toEqual(['sent']);
    const received = sink.messages.filter((message) => message.letterId === letters[0].id);
    expect(received).toHaveLength(1);
    expect(received[0].text).toContain('Z. N.');
    for (const part of FORBIDDEN) {
      expect({ part, inBody: received[0].text.includes(part), inFrom: received[0].fromHeader.includes(part), inRaw: received[0].raw.includes(part) }).toEqual({ part, inBody: false, inFrom: false, inRaw: false });
    }
    expect(received[0].fromHeader).toContain('Z. N. via Pen Friends');
  });

  it('a case made high-risk after signing changes its queued letters: email and a print run’s letters.pdf', async () => {
    const created = await app.api.post('/api/cases', aCase(), coordinator);
    expect(created.status).toBe(201);
    const caseId = created.body.id;
    const emailAppeal = await anAppealOn(caseId, { email: 'later-official@gov.example' }, 'email');
    const postAppeal = await anAppealOn(caseId, { email: undefined, postalAddress: 'Rudaki Avenue 25\nDushanbe 734025' }, 'post');
    // Paused: the email letter waits queued, signed in full while the case was normal.
    expect((await app.api.post(`/api/appeals/${emailAppeal}/pause`, undefined, coordinator)).status).toBe(200);
    const signer = await aFullSigner();
    for (const appealId of [emailAppeal, postAppeal]) {
      const signed = await app.api.post(`/api/appeals/${appealId}/signatures`, {}, signer.token);
      expect(signed.status).toBe(201);
      expect(signed.body.signature.signatureStyle).toBe('full');
    }
    expect((await app.api.patch(`/api/cases/${caseId}`, { risk: 'high' }, coordinator)).status).toBe(200);

    expect((await app.api.post(`/api/appeals/${emailAppeal}/resume`, undefined, coordinator)).status).toBe(200);
    const letters = await settled(app.db, emailAppeal);
    expect(letters.map((letter) => letter.status)).toEqual(['sent']);
    const received = sink.messages.find((message) => message.letterId === letters[0].id)!;
    expect(received).toBeDefined();
    for (const part of FORBIDDEN) expect({ part, found: received.raw.includes(part) }).toEqual({ part, found: false });
    expect(received.text).toContain('Z. N.');

    const run = await app.api.post('/api/print-runs', { appealId: postAppeal, kind: 'letters' }, coordinator);
    expect(run.status).toBe(202);
    const ready = await waitFor(
      async () => {
        const current = (await app.api.get(`/api/print-runs/${run.body.id}`, coordinator)).body;
        return current.status === 'rendering' ? undefined : current;
      },
      () => `print run ${run.body.id} still rendering`,
      60_000,
    );
    expect(ready.status).toBe('ready');
    const response = await fetch(app.api.baseUrl + ready.files[0].url, { headers: { authorization: `Bearer ${coordinator}` } });
    expect(response.status).toBe(200);
    const file = join(mkdtempSync(join(tmpdir(), 'qalam-risk-pdf-')), 'letters.pdf');
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    const text = flat(await pdfText(file));
    expect(text).toContain('Z. N.');
    for (const part of FORBIDDEN) expect({ part, found: text.includes(part) }).toEqual({ part, found: false });
  });

  it("a high-risk case's cards of solidarity are signed with initials, never the writer's full name", async () => {
    const created = await app.api.post('/api/cases', aCase({ acceptsMessages: true, messageAddress: 'Colony No. 3\nprisoner no. 4471\nDushanbe 734025', risk: 'high' }), coordinator);
    expect(created.status).toBe(201);
    const appealId = await anAppealOn(created.body.id, { email: 'cards-official@gov.example' }, 'email');
    const writer = await aFullSigner();
    const message = await app.api.post(`/api/cases/${created.body.id}/messages`, { text: 'We think of you every day.' }, writer.token);
    expect(message.status).toBe(201);
    expect((await app.api.post(`/api/messages/${message.body.id}/approve`, undefined, coordinator)).status).toBe(200);
    const run = await app.api.post('/api/print-runs', { appealId, kind: 'cards' }, coordinator);
    expect(run.status).toBe(202);
    const ready = await waitFor(
      async () => {
        const current = (await app.api.get(`/api/print-runs/${run.body.id}`, coordinator)).body;
        return current.status === 'rendering' ? undefined : current;
      },
      () => `cards run ${run.body.id} still rendering`,
      60_000,
    );
    expect(ready.status).toBe('ready');
    const cards = ready.files.find((candidate: { name: string }) => candidate.name === 'cards.pdf');
    const response = await fetch(app.api.baseUrl + cards.url, { headers: { authorization: `Bearer ${coordinator}` } });
    expect(response.status).toBe(200);
    const file = join(mkdtempSync(join(tmpdir(), 'qalam-risk-cards-')), 'cards.pdf');
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    const text = flat(await pdfText(file));
    expect(text).toContain('We think of you every day.');
    expect(text).toContain('Z. N.');
    for (const part of FORBIDDEN) expect({ part, found: text.includes(part) }).toEqual({ part, found: false });
  });

  it('the signing page offers initials (preselected) or anonymous only, and says why', async () => {
    const created = await app.api.post('/api/cases', aCase({ risk: 'high' }), coordinator);
    const official = await app.api.post('/api/officials', anOfficial(), coordinator);
    const appeal = await app.api.post('/api/appeals', { caseId: created.body.id, title: 'Free her', templateIds: [templateId], officialIds: [official.body.id] }, coordinator);
    const cycle = await app.api.post('/api/cycles', { month: '2026-03', title: 'March', appealIds: [appeal.body.id] }, coordinator);
    expect([created.status, official.status, appeal.status, cycle.status]).toEqual([201, 201, 201, 201]);
    expect((await app.api.post(`/api/appeals/${appeal.body.id}/launch`, undefined, coordinator)).status).toBe(200);
    expect((await app.api.post(`/api/cycles/${cycle.body.id}/open`, undefined, coordinator)).status).toBe(200);
    const signer = await aFullSigner();
    const token = memberTokens(app.config).issue('sign', { supporterId: signer.id, cycleId: cycle.body.id });
    const page = await fetch(`${app.api.baseUrl}/sign/${token}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const radios = [...html.matchAll(/<input type="radio"[^>]*name="signatureStyle\[[^\]]+\]"[^>]*>/g)].map((match) => match[0]);
    expect(radios.map((radio) => /value="([a-z]+)"/.exec(radio)![1])).toEqual(['initials', 'anonymous']);
    expect(radios[0]).toContain(' checked');
    expect(html).not.toContain('value="full"');
    expect(html).toContain('letters for it never carry your full name or your city');
    // Nor does the letter preview on the page: the member's name appears only in the page's greeting to them.
    const withoutGreeting = html.replace(/<p class="lede">[^<]*<\/p>/, '');
    expect(withoutGreeting).not.toContain(FULL_NAME);
    expect(withoutGreeting).not.toContain(CITY);
    expect(withoutGreeting).toContain('Z. N.');

    // A post asking for full for every appeal of the month signs this one with initials.
    const posted = await fetch(`${app.api.baseUrl}/sign/${token}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(app.config.publicUrl).origin },
      body: new URLSearchParams({ appealIds: appeal.body.id, signatureStyle: 'full' }).toString(),
    });
    expect(posted.status).toBeLessThan(400);
    await expect(app.db.query(`SELECT signature_style FROM signatures WHERE appeal_id = $1`, [appeal.body.id]).then((result) => result.rows.map((row) => row.signature_style))).resolves.toEqual(['initials']);
  });

  it('the console sets the risk on the case form and shows it on the case page', async () => {
    const created = await app.api.post('/api/cases', aCase({ name: 'Console Risk' }), coordinator);
    expect(created.status).toBe(201);
    const browser = new Browserish(app.api.baseUrl);
    expect((await browser.signIn(staffLogin.email, staffLogin.password)).status).toBe(303);
    const form = await browser.get('/console/cases/new');
    expect(form.status).toBe(200);
    expect(form.body).toMatch(/<select[^>]*name="risk"/);
    expect(form.body).toContain('full names and cities are never sent');
    const page = await browser.get(`/console/cases/${created.body.id}`);
    const edited = await browser.post(`/console/cases/${created.body.id}`, {
      _csrf: csrfOf(page.body),
      name: 'Console Risk',
      country: 'TJ',
      profession: 'journalist',
      status: 'sentenced',
      summary: created.body.summary,
      detainedOn: '2024-11-01',
      charges: created.body.charges,
      tags: ['journalist'],
      gender: '',
      risk: 'high',
    });
    expect({ status: edited.status, location: edited.location }).toEqual({ status: 303, location: `/console/cases/${created.body.id}?done=saved` });
    await expect(app.db.query(`SELECT risk FROM cases WHERE id = $1`, [created.body.id]).then((result) => result.rows[0].risk)).resolves.toBe('high');
    const shown = await browser.get(`/console/cases/${created.body.id}`);
    expect(shown.body).toMatch(/<dd data-risk="high">High risk: signers/);
    const refused = await browser.post(`/console/cases/${created.body.id}`, { _csrf: csrfOf(shown.body), name: 'Console Risk', country: 'TJ', status: 'sentenced', summary: created.body.summary, risk: 'extreme' });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('Choose normal or high risk.');
    await expect(app.db.query(`SELECT risk FROM cases WHERE id = $1`, [created.body.id]).then((result) => result.rows[0].risk)).resolves.toBe('high');
  });
});
