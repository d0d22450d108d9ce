import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SEED_OFFICIALS } from '../../src/demo/seed-data';
import { kindOf } from '../helpers/member-mail';
import { ReceivedMessage, SmtpSink } from '../helpers/smtp-sink';
import { ADMIN, TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait';
import { startBrowserApp } from './helpers/browser-app';
import { axeViolations, launchChromium } from './helpers/chromium';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

/*
 * The case, from ../shared/seeds/ (Global Importune's page on Urunboy Usmonov, released on
 * 14 October 2011 after letters of concern): his name, a summary in the documents' words, his
 * status while letters were being written, and two dated events with their sources.
 */
const CASE = {
  name: 'Urunboy Usmonov',
  country: 'TJ',
  status: 'on-trial',
  profession: 'BBC journalist and novelist',
  summary:
    'BBC journalist and novelist, arrested on 13 June 2011 and first charged with participation in Hizb-ut-Tahrir, a banned religious group. ' +
    'The charges were later changed but still implicated him in criminal activities related to banned religious groups, carrying two to five ' +
    "years' imprisonment, and he was not allowed to leave the country. He maintains that his contact with Hizb-ut-Tahrir was to report on the " +
    'causes of its growing popularity. Amnesty International maintained that he was innocent and targeted for his legitimate work as a journalist.',
  detainedOn: '2011-06-13',
  charges: "Criminal activities related to banned religious groups, carrying two to five years' imprisonment",
  tags: ['journalist', 'writer'],
  ru: {
    name: 'Урунбой Усмонов',
    profession: 'журналист Би-би-си и писатель',
    summary: 'Журналист Би-би-си и писатель, задержан 13 июня 2011 года по обвинению в участии в запрещённой религиозной группе «Хизб ут-Тахрир».',
    charges: 'Преступная деятельность, связанная с запрещёнными религиозными группами, наказуемая лишением свободы на срок от двух до пяти лет',
  },
  events: [
    {
      occurredOn: '2011-06-13',
      kind: 'arrested',
      description: 'Arrested and initially charged with participation in Hizb-ut-Tahrir, a banned religious group.',
      sourceUrl: 'https://globalimportune.org/listing/urunboy-usmonov-of-tajikistan/',
    },
    {
      occurredOn: '2011-07-14',
      kind: 'released on bail',
      description: 'Released on bail after a written pledge not to leave Tajikistan; the prosecution goes on.',
      sourceUrl: 'https://pen.org/rapid-action/bbc-journalist-released-on-bail/',
    },
  ],
};

/** Two of the demo's Tajik officials (addresses under .example: no real office is mailed), as the coordinator types them in. */
function demoOfficial(key: string) {
  const seed = SEED_OFFICIALS.find((official) => official.key === key);
  if (!seed?.salutation || !seed.organisation || !seed.email || !seed.timezone) throw new Error(`the demo has no official ${key} with every field`);
  return { name: seed.name, title: seed.title, salutation: seed.salutation, organisation: seed.organisation, country: seed.country, email: seed.email, language: seed.language, timezone: seed.timezone };
}
const OFFICIALS = { en: demoOfficial('tj-ambassador-uk'), ru: demoOfficial('tj-prosecutor-general') };

const COORDINATOR = { email: 'nodira.coordinator@group.example', name: 'Nodira Karimova', password: 'a sentence I will remember' };
const MEMBER = { email: 'amira.haddad@members.example', name: 'Amira Haddad', city: 'Toronto', country: 'Canada' };
const NOTE = 'A journalist who reports on why a banned group grows is doing his work.';
const TEMPLATE_NAME = 'Release a journalist (English)';
/** Line 3 names a variable that does not exist: the editor must say so at that line. */
const BODY_WITH_TYPO = '{{official.salutation}},\n\nI am writing on behalf of {{case.nmae}}, {{case.profession}}, detained in {{case.countryName}} since {{case.detainedOn}}.\n\n{{case.summary}}\n\nI urge you to end the prosecution of {{case.name}}.{{#if note}}\n\n{{note}}{{/if}}\n\nYours sincerely,\n{{supporter.signature}}';
const BODY = BODY_WITH_TYPO.replace('case.nmae', 'case.name');

/** A link of the app's in a mail's text: the first to `path`, its token kept. */
function linkIn(text: string, base: string, path: string): string {
  const match = new RegExp(`${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${path}[A-Za-z0-9_.-]+`).exec(text);
  if (!match) throw new Error(`no ${path} link in the mail`);
  return match[0];
}

/**
 * The staff console's journey in Chromium, nothing but pages and mail: the admin invites a
 * coordinator by email, the coordinator sets a password from the emailed link, records a real
 * case with its timeline, adds an English and a Russian official, writes a template (refused
 * at its line, fixed, previewed), builds and previews an appeal, whose launch is refused until
 * the case has its Russian translation, launches it after its count, opens a cycle; a member who joined at /join and confirmed signs from the cycle's
 * invitation; both officials receive the letter, each in their language; the coordinator
 * marks the case released and the member is thanked. No JSON API call, no Bearer token.
 */
describe('the staff console’s journey, from an invitation to a release, in a browser', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    sink = await new SmtpSink().start();
    [app, browser] = await Promise.all([startBrowserApp('console_journey', { SMTP_URL: sink.url, ORG_NAME: 'Global Importune' }), launchChromium()]);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await app?.close();
    await sink?.stop();
  });

  it('invites a coordinator, who records a case and its officials, writes a template, launches an appeal and opens a cycle; a member signs; the case is released and the member thanked', async () => {
    const base = app.config.publicUrl;
    const axeProblems: string[] = [];
    const refusals: string[] = [];

    /** A browser of its own (its own cookies); bypassCSP only so that axe-core can be injected. */
    const aBrowser = async (): Promise<Page> => {
      const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
      contexts.push(context);
      context.setDefaultTimeout(10_000);
      const page = await context.newPage();
      page.on('response', (response) => {
        if (response.status() >= 400) refusals.push(`${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
      });
      return page;
    };
    /** No axe violation of any impact on this page; a screenshot of it at 1280 px. */
    const look = async (page: Page, name: string) => {
      for (const violation of await axeViolations(page)) axeProblems.push(`${name}: ${violation.impact} ${violation.id} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
      await page.screenshot({ path: join(ARTIFACTS, `console-journey-${name}.png`), fullPage: true });
    };
    const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();
    const mailTo = (address: string, what: string, accept: (message: ReceivedMessage) => boolean) =>
      waitFor(
        async () => sink.messages.find((message) => message.to.includes(address) && accept(message)),
        () => `no ${what} reached its address; the sink holds ${sink.messages.length} messages: ${sink.messages.map((message) => message.subject).join(' | ')}`,
        20_000,
      );
    const signIn = async (page: Page, email: string, password: string) => {
      await page.goto(`${base}/login`);
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${base}/console`);
      await expect(heading(page)).resolves.toBe('What needs attention');
    };
    const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name, exact: true }).click();

    // 1. The admin signs in and invites a coordinator.
    const admin = await aBrowser();
    await signIn(admin, ADMIN.email, ADMIN.password);
    await nav(admin, 'Members');
    await admin.getByRole('link', { name: 'Invite a coordinator' }).click();
    await admin.waitForURL(`${base}/console/members/invite`);
    await expect(heading(admin)).resolves.toBe('Invite a coordinator');
    await admin.getByLabel('Email address').fill(COORDINATOR.email);
    await admin.getByLabel('Name').fill(COORDINATOR.name);
    await admin.getByLabel('Country').fill('TJ');
    await admin.getByRole('button', { name: 'Send the invitation' }).click();
    await admin.waitForURL(/\/console\/members\/[0-9a-f-]{36}\?invited=1$/);
    await expect(admin.locator('main').textContent()).resolves.toContain('The invitation is on its way');
    await look(admin, '01-invited');
    const { rows: invited } = await app.db.query<{ id: string; role: string; password_hash: string | null }>(`SELECT id, role, password_hash FROM supporters WHERE email = $1`, [COORDINATOR.email]);
    expect(invited).toEqual([{ id: expect.any(String), role: 'coordinator', password_hash: null }]);

    // 2. The invitation arrives; the coordinator, in a browser of their own, chooses a password and signs in.
    const invitation = await mailTo(COORDINATOR.email, 'staff invitation', (message) => message.messageId.startsWith('<account-staff-invitation-'));
    expect(invitation.subject).toBe('Global Importune: you are invited to the staff console');
    const coordinator = await aBrowser();
    await coordinator.goto(linkIn(invitation.text, base, '/password/reset/'));
    await expect(heading(coordinator)).resolves.toBe('Choose your password');
    await coordinator.getByLabel('New password', { exact: true }).fill(COORDINATOR.password);
    await coordinator.getByLabel('New password again').fill(COORDINATOR.password);
    await coordinator.getByRole('button', { name: 'Save my password' }).click();
    await coordinator.waitForURL(`${base}/password/done`);
    await expect(heading(coordinator)).resolves.toBe('Your password is saved');
    await coordinator.getByRole('link', { name: 'Sign in' }).click();
    await coordinator.waitForURL(`${base}/login`);
    await signIn(coordinator, COORDINATOR.email, COORDINATOR.password);
    await expect(coordinator.locator('main').textContent()).resolves.toContain('Signed in as');
    await look(coordinator, '02-coordinator-home');

    // 3. The case (no translation yet: step 6 finds it missing), then two dated events with sources.
    await nav(coordinator, 'Cases');
    await coordinator.getByRole('link', { name: 'Record a new case' }).click();
    await coordinator.waitForURL(`${base}/console/cases/new`);
    await expect(heading(coordinator)).resolves.toBe('Record a case');
    await coordinator.getByLabel('Name', { exact: true }).fill(CASE.name);
    await coordinator.getByLabel('Country', { exact: true }).fill(CASE.country);
    await coordinator.getByLabel('Status', { exact: true }).selectOption(CASE.status);
    // The case's own fields come first; the translations repeat their labels inside each language's fieldset.
    await coordinator.getByLabel('Profession (optional)', { exact: true }).first().fill(CASE.profession);
    await coordinator.getByLabel('Summary', { exact: true }).fill(CASE.summary);
    await coordinator.getByLabel('Date detained (optional)').fill(CASE.detainedOn);
    await coordinator.getByLabel('Charges (optional)', { exact: true }).first().fill(CASE.charges);
    await coordinator.getByLabel('Tags 1', { exact: true }).fill(CASE.tags[0]);
    await coordinator.getByLabel('Tags 2', { exact: true }).fill(CASE.tags[1]);
    await coordinator.getByLabel('Gender (optional)').selectOption('male');
    await coordinator.getByRole('button', { name: 'Record the case' }).click();
    await coordinator.waitForURL(/\/console\/cases\/[0-9a-f-]{36}$/);
    const caseId = new URL(coordinator.url()).pathname.split('/').pop()!;
    await expect(heading(coordinator)).resolves.toBe(CASE.name);
    await expect(coordinator.locator('dd[data-status]').getAttribute('data-status')).resolves.toBe('on-trial');
    for (const event of CASE.events) {
      const form = coordinator.getByRole('form', { name: 'Add an event' });
      await form.getByLabel('Date', { exact: true }).fill(event.occurredOn);
      await form.getByLabel('Kind of event').fill(event.kind);
      await form.getByLabel('What happened').fill(event.description);
      await form.getByLabel('Source address (optional)').fill(event.sourceUrl);
      await form.getByRole('button', { name: 'Add the event' }).click();
      await coordinator.waitForURL(`${base}/console/cases/${caseId}?done=event#timeline`);
      await expect(coordinator.getByRole('status').textContent()).resolves.toBe('The event is added to the timeline.');
    }
    await expect(coordinator.locator('ol.timeline li .event-kind').allTextContents()).resolves.toEqual(CASE.events.map((event) => event.kind));
    await expect(coordinator.locator('ol.timeline li .event-source a').evaluateAll((links) => links.map((link) => (link as unknown as { href: string }).href))).resolves.toEqual(CASE.events.map((event) => event.sourceUrl));
    await look(coordinator, '03-case');
    const { rows: [stored] } = await app.db.query(`SELECT name, country, status, profession, gender, detained_on::text AS detained_on, tags, translations FROM cases WHERE id = $1`, [caseId]);
    expect(stored).toEqual({ name: CASE.name, country: 'TJ', status: 'on-trial', profession: CASE.profession, gender: 'male', detained_on: CASE.detainedOn, tags: CASE.tags, translations: {} });
    const { rows: events } = await app.db.query(`SELECT occurred_on::text AS "occurredOn", kind, description, source_url AS "sourceUrl" FROM case_events WHERE case_id = $1 ORDER BY occurred_on`, [caseId]);
    expect(events).toEqual(CASE.events);

    // 4. Two officials: one writes English, one Russian.
    const officialIds: Record<'en' | 'ru', string> = { en: '', ru: '' };
    for (const language of ['en', 'ru'] as const) {
      const official = OFFICIALS[language];
      await nav(coordinator, 'Officials');
      await coordinator.getByRole('link', { name: 'Add an official' }).click();
      await coordinator.waitForURL(`${base}/console/officials/new`);
      await coordinator.getByLabel('Name', { exact: true }).fill(official.name);
      await coordinator.getByLabel('Title', { exact: true }).fill(official.title);
      await coordinator.getByLabel('Salutation (optional)').fill(official.salutation);
      await coordinator.getByLabel('Organisation (optional)').fill(official.organisation);
      await coordinator.getByLabel('Country', { exact: true }).fill(official.country);
      await coordinator.getByLabel('Email address (optional)').fill(official.email);
      await coordinator.getByLabel('Language of letters').fill(official.language);
      await coordinator.getByLabel('Time zone (optional)').fill(official.timezone);
      await coordinator.getByRole('button', { name: 'Add the official' }).click();
      await coordinator.waitForURL(/\/console\/officials\/[0-9a-f-]{36}$/);
      await expect(heading(coordinator)).resolves.toBe(official.name);
      officialIds[language] = new URL(coordinator.url()).pathname.split('/').pop()!;
    }
    await look(coordinator, '04-official');
    const { rows: officials } = await app.db.query(`SELECT name, email, language FROM officials ORDER BY language`);
    expect(officials).toEqual([OFFICIALS.en, OFFICIALS.ru].map(({ name, email, language }) => ({ name, email, language })));

    // The member joins at /join (a browser of their own) and confirms from the emailed link, before the cycle opens.
    const member = await aBrowser();
    await member.goto(`${base}/join`);
    await expect(heading(member)).resolves.toBe('Join the letter-writing group');
    await member.getByLabel('Your name').fill(MEMBER.name);
    await member.getByLabel('Email address').fill(MEMBER.email);
    await member.getByLabel('City (optional)').fill(MEMBER.city);
    await member.getByLabel('Country you live in').selectOption({ label: MEMBER.country });
    await member.getByLabel('I agree').check();
    await member.getByRole('button', { name: 'Join' }).click();
    await expect(member.getByRole('heading', { level: 1, name: 'Check your email' }).count()).resolves.toBe(1);
    const confirmation = await mailTo(MEMBER.email, 'confirmation', (message) => kindOf(message) === 'confirmation');
    expect(confirmation.subject).toBe('Confirm that you want to join Global Importune');
    await member.goto(linkIn(confirmation.text, base, '/join/confirm/'));
    await member.getByRole('button', { name: 'Confirm and join' }).click();
    await expect(member.getByRole('heading', { level: 1, name: 'Welcome' }).count()).resolves.toBe(1);
    await look(member, '04-member-joined');
    const { rows: [joined] } = await app.db.query<{ id: string; role: string; confirmed: boolean; auto_sign: boolean }>(
      `SELECT id, role, confirmed_at IS NOT NULL AS confirmed, auto_sign FROM supporters WHERE email = $1`,
      [MEMBER.email],
    );
    expect(joined).toEqual({ id: expect.any(String), role: 'member', confirmed: true, auto_sign: false });

    // 5. A template with an unknown variable on line 3: refused at that line; fixed; previewed against the case, an official and the member.
    await nav(coordinator, 'Templates');
    await coordinator.getByRole('link', { name: 'New template' }).click();
    await coordinator.waitForURL(`${base}/console/templates/new`);
    await coordinator.getByLabel('Name (for coordinators only)').fill(TEMPLATE_NAME);
    await coordinator.getByLabel('Language of the letter').fill('en');
    await coordinator.getByLabel('Subject').fill('Release {{case.name}}');
    await coordinator.getByLabel('Letter', { exact: true }).fill(BODY_WITH_TYPO);
    const [refused] = await Promise.all([coordinator.waitForResponse((response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/console/templates'), coordinator.getByRole('button', { name: 'Save the template' }).click()]);
    expect(refused.status()).toBe(400);
    const atLine = coordinator.locator('li[data-field="body"][data-line="3"]');
    await expect(atLine.locator('.line-number').textContent()).resolves.toBe('Line 3:');
    await expect(atLine.locator('.line-text').textContent()).resolves.toContain('{{case.nmae}}');
    await expect(atLine.locator('.line-message').textContent()).resolves.toContain('case.nmae');
    await expect(coordinator.getByLabel('Letter', { exact: true }).inputValue()).resolves.toBe(BODY_WITH_TYPO);
    await look(coordinator, '05-template-refused');
    await expect(app.db.query(`SELECT count(*)::int AS count FROM templates WHERE name = $1`, [TEMPLATE_NAME]).then((result) => result.rows[0].count)).resolves.toBe(0);
    await coordinator.getByLabel('Letter', { exact: true }).fill(BODY);
    await coordinator.getByRole('button', { name: 'Save the template' }).click();
    await coordinator.waitForURL(/\/console\/templates\/[0-9a-f-]{36}$/);
    await expect(heading(coordinator)).resolves.toBe(TEMPLATE_NAME);
    await coordinator.getByLabel('Case', { exact: true }).selectOption({ label: CASE.name });
    await coordinator.getByLabel('Official', { exact: true }).selectOption({ label: `${OFFICIALS.en.title} ${OFFICIALS.en.name} (en)` });
    await coordinator.getByLabel('Member who signs').selectOption({ label: MEMBER.name });
    await coordinator.getByRole('button', { name: 'Show the preview' }).click();
    const previewed = coordinator.locator('#preview-letter');
    await expect(previewed.locator('.letter-subject').textContent()).resolves.toContain(`Release ${CASE.name}`);
    const previewBody = (await previewed.locator('.letter-body').textContent()) ?? '';
    expect(previewBody).toContain(`${OFFICIALS.en.salutation},`);
    expect(previewBody).toContain(`I am writing on behalf of ${CASE.name}, ${CASE.profession}, detained in Tajikistan since`);
    expect(previewBody).toContain(`Yours sincerely,\n${MEMBER.name}`);
    await look(coordinator, '05-template-preview');
    const { rows: [template] } = await app.db.query<{ id: string; body: string }>(`SELECT id, body FROM templates WHERE name = $1`, [TEMPLATE_NAME]);
    // Stored as typed: the browser's CRLF line breaks are the API's LF.
    expect(template.body).toBe(BODY);

    // 6. The appeal: the case, the English template then Russian (the default), both officials; previewed per official; launched after its count.
    await nav(coordinator, 'Appeals');
    await coordinator.getByRole('link', { name: 'New appeal' }).click();
    await coordinator.waitForURL(`${base}/console/appeals/new`);
    const APPEAL_TITLE = `Free ${CASE.name}`;
    await coordinator.getByLabel('Case', { exact: true }).selectOption({ label: CASE.name });
    await coordinator.getByLabel('Title').fill(APPEAL_TITLE);
    await coordinator.getByLabel(/^Template 1 /).selectOption({ label: `${TEMPLATE_NAME} (en)` });
    await coordinator.getByLabel('Template 2', { exact: true }).selectOption({ label: 'Default appeal (ru) (ru)' });
    for (const official of [OFFICIALS.en, OFFICIALS.ru]) await coordinator.getByLabel(`${official.title} ${official.name}`).check();
    await coordinator.getByRole('button', { name: 'Save as a draft' }).click();
    await coordinator.waitForURL(/\/console\/appeals\/[0-9a-f-]{36}$/);
    const appealId = new URL(coordinator.url()).pathname.split('/').pop()!;
    await expect(heading(coordinator)).resolves.toBe(APPEAL_TITLE);
    await expect(coordinator.locator('#appeal-status').getAttribute('data-status')).resolves.toBe('draft');
    await expect(coordinator.locator('#templates li').allTextContents()).resolves.toEqual([`${TEMPLATE_NAME} (en) · used when the official's language has none`, 'Default appeal (ru) (ru)']);
    const letterTo = (language: 'en' | 'ru') => coordinator.locator(`details.letter[data-official-id="${officialIds[language]}"]`);
    await expect(letterTo('en').locator('.letter-body').textContent()).resolves.toContain(`I urge you to end the prosecution of ${CASE.name}.`);
    await letterTo('ru').locator('summary').click();
    await expect(letterTo('ru').locator('.field-problem').textContent()).resolves.toContain('This letter cannot be written yet');
    await look(coordinator, '06-appeal-draft-untranslated');

    // The launch is refused on its own page, saying in the page's words what the case lacks, with the way to the case's form; nothing changes.
    await coordinator.getByRole('link', { name: 'Launch…' }).click();
    await coordinator.waitForURL(`${base}/console/appeals/${appealId}/launch`);
    const [untranslated] = await Promise.all([
      coordinator.waitForResponse((response) => response.request().method() === 'POST' && new URL(response.url()).pathname === `/console/appeals/${appealId}/launch`),
      coordinator.getByRole('button', { name: 'Launch the appeal' }).click(),
    ]);
    expect(untranslated.status()).toBe(409);
    await expect(heading(coordinator)).resolves.toBe(`Launch “${APPEAL_TITLE}”`);
    const refusal = coordinator.getByRole('alert');
    await expect(refusal.getByRole('heading', { level: 2 }).textContent()).resolves.toBe('Not launched: nothing was sent');
    await expect(refusal.locator('li').allTextContents()).resolves.toEqual(['The case has no Russian translation of: Name, Profession, Charges. The template “Default appeal (ru)” uses them.']);
    await look(coordinator, '06-appeal-launch-refused');
    await expect(app.db.query(`SELECT status FROM appeals WHERE id = $1`, [appealId]).then((result) => result.rows[0].status)).resolves.toBe('draft');
    await refusal.getByRole('link', { name: 'Add the translations to the case' }).click();
    await coordinator.waitForURL(`${base}/console/cases/${caseId}#edit`);
    const russian = coordinator.getByRole('form', { name: 'Edit the case' }).getByRole('group', { name: 'In Russian' });
    await russian.getByLabel('Name (optional)').fill(CASE.ru.name);
    await russian.getByLabel('Profession (optional)').fill(CASE.ru.profession);
    await russian.getByLabel('Summary (optional)').fill(CASE.ru.summary);
    await russian.getByLabel('Charges (optional)').fill(CASE.ru.charges);
    await coordinator.getByRole('button', { name: 'Save the changes' }).click();
    await coordinator.waitForURL(`${base}/console/cases/${caseId}?done=saved`);
    await expect(coordinator.getByRole('status').textContent()).resolves.toBe('The changes are saved.');
    await expect(app.db.query(`SELECT translations FROM cases WHERE id = $1`, [caseId]).then((result) => result.rows[0].translations)).resolves.toEqual({ ru: CASE.ru });

    // With the translation, the Russian official's letter reads in Russian, agreeing with the case's gender; the launch goes through after its count.
    await coordinator.goto(`${base}/console/appeals/${appealId}`);
    await letterTo('ru').locator('summary').click();
    await expect(letterTo('ru').locator('.letter-subject').textContent()).resolves.toContain(`Обращение по делу: ${CASE.ru.name}`);
    await expect(letterTo('ru').locator('.letter-body').textContent()).resolves.toContain(`чтобы ${CASE.ru.name} был немедленно и безоговорочно освобождён`);
    await look(coordinator, '06-appeal-draft');
    await coordinator.getByRole('link', { name: 'Launch…' }).click();
    await coordinator.waitForURL(`${base}/console/appeals/${appealId}/launch`);
    await expect(heading(coordinator)).resolves.toBe(`Launch “${APPEAL_TITLE}”`);
    // No member signs automatically: the launch creates no letter; members who sign add theirs.
    await expect(coordinator.locator('#launch-letters').getAttribute('data-letters')).resolves.toBe('0');
    await expect(coordinator.locator('#launch-letters').textContent()).resolves.toBe('Launching creates 0 letters now.');
    await look(coordinator, '06-appeal-launch');
    await coordinator.getByRole('button', { name: 'Launch the appeal' }).click();
    await coordinator.waitForURL(`${base}/console/appeals/${appealId}`);
    await expect(coordinator.locator('#appeal-status').getAttribute('data-status')).resolves.toBe('open');
    await expect(app.db.query(`SELECT status, launched_at IS NOT NULL AS launched FROM appeals WHERE id = $1`, [appealId]).then((result) => result.rows[0])).resolves.toEqual({ status: 'open', launched: true });

    // 7. The cycle of that appeal, created and opened.
    await nav(coordinator, 'Cycles');
    await coordinator.getByRole('link', { name: 'Create a cycle' }).click();
    await coordinator.waitForURL(`${base}/console/cycles/new`);
    const CYCLE_TITLE = 'August letters';
    await coordinator.getByLabel('Month').fill('2011-08');
    await coordinator.getByLabel('Title').fill(CYCLE_TITLE);
    await coordinator.getByLabel(`${APPEAL_TITLE} (open)`).check();
    await coordinator.getByRole('button', { name: 'Create the cycle' }).click();
    await coordinator.waitForURL(/\/console\/cycles\/[0-9a-f-]{36}$/);
    const cycleId = new URL(coordinator.url()).pathname.split('/').pop()!;
    await expect(heading(coordinator)).resolves.toBe(`${CYCLE_TITLE} (2011-08)`);
    await expect(coordinator.locator('span[data-status]').getAttribute('data-status')).resolves.toBe('draft');
    await coordinator.getByRole('button', { name: 'Open the cycle and invite members' }).click();
    await coordinator.waitForURL(`${base}/console/cycles/${cycleId}`);
    await expect(coordinator.locator('span[data-status]').getAttribute('data-status')).resolves.toBe('open');
    // Staff are not invited: the one member to invite is the one who joined.
    await expect(coordinator.locator('dd[data-count="total"]').textContent()).resolves.toBe('1');
    await look(coordinator, '07-cycle-open');
    const { rows: invitations } = await app.db.query(`SELECT supporter_id FROM cycle_invitations WHERE cycle_id = $1`, [cycleId]);
    expect(invitations).toEqual([{ supporter_id: joined.id }]);

    // 8. The member signs from the cycle's invitation, with a note and their full name.
    const cycleMail = await mailTo(MEMBER.email, 'cycle invitation', (message) => kindOf(message) === 'invitation');
    expect(cycleMail.subject).toBe(`This month's appeal: ${CYCLE_TITLE}`);
    expect(cycleMail.text).toContain(`This month we ask you to write for ${CASE.name} (${CASE.profession}) in Tajikistan.`);
    await member.goto(linkIn(cycleMail.text, base, '/sign/'));
    await expect(heading(member)).resolves.toBe(CYCLE_TITLE);
    const article = member.getByRole('article', { name: CASE.name });
    await expect(article.locator('ol.timeline .event-kind').allTextContents()).resolves.toEqual(CASE.events.map((event) => event.kind));
    await article.getByLabel('A personal note (optional)').fill(NOTE);
    await article.getByLabel(/Full name/).check();
    await look(member, '08-signing');
    await article.getByRole('button', { name: `Sign this letter for ${CASE.name}` }).click();
    await member.getByRole('heading', { level: 1, name: 'Thank you' }).waitFor();
    const thanks = (await member.locator('main').textContent()) ?? '';
    for (const official of [OFFICIALS.en, OFFICIALS.ru]) expect(thanks).toContain(`${official.title} ${official.name}`);
    await look(member, '08-signed');

    // 9. Each official receives the member's letter, in the official's language, with the note and the member's name.
    const { rows: letters } = await app.db.query<{ id: string; official_id: string }>(`SELECT id, official_id FROM letters WHERE supporter_id = $1 AND appeal_id = $2`, [joined.id, appealId]);
    expect(letters.map((letter) => letter.official_id).sort()).toEqual([officialIds.en, officialIds.ru].sort());
    const received = await waitFor(
      async () => {
        const arrived = letters.map((letter) => sink.messages.find((message) => message.letterId === letter.id));
        return arrived.every(Boolean) ? (arrived as ReceivedMessage[]) : undefined;
      },
      () => `${letters.filter((letter) => sink.messages.some((message) => message.letterId === letter.id)).length} of ${letters.length} letters received`,
    );
    for (const [index, message] of received.entries()) {
      const language = letters[index].official_id === officialIds.ru ? 'ru' : 'en';
      expect(message.to).toEqual([OFFICIALS[language].email]);
      expect(message.fromHeader).toContain(language === 'ru' ? `${MEMBER.name} через Global Importune` : `${MEMBER.name} via Global Importune`);
      expect(message.raw).not.toContain(MEMBER.email);
      expect(message.text).toContain(NOTE);
      if (language === 'ru') {
        expect(message.subject).toBe(`Обращение по делу: ${CASE.ru.name}`);
        expect(message.text).toContain(`${OFFICIALS.ru.salutation},`);
        expect(message.text).toContain('С уважением');
        expect(message.text).not.toContain(CASE.name);
      } else {
        expect(message.subject).toBe(`Release ${CASE.name}`);
        expect(message.text).toContain(`${OFFICIALS.en.salutation},`);
        expect(message.text).toContain(`Yours sincerely,\n${MEMBER.name}`);
      }
    }
    await waitFor(
      async () => ((await app.db.query(`SELECT count(*)::int AS count FROM letters WHERE appeal_id = $1 AND status = 'sent'`, [appealId])).rows[0].count === 2 ? true : undefined),
      () => 'the two letters are not recorded sent',
    );
    await coordinator.goto(`${base}/console/appeals/${appealId}`);
    await expect(coordinator.locator('#letter-counts dd[data-count="sent"]').textContent()).resolves.toBe('2');
    await look(coordinator, '09-appeal-sent');

    // 10. The case is released: the confirmation says what it will do; the appeal closes; the member is thanked.
    await coordinator.goto(`${base}/console/cases/${caseId}`);
    await coordinator.getByLabel('Released', { exact: true }).check();
    await coordinator.getByRole('button', { name: 'Continue' }).click();
    await coordinator.waitForURL(`${base}/console/cases/${caseId}/outcome?status=released`);
    await expect(heading(coordinator)).resolves.toBe(`Mark ${CASE.name} as released`);
    await expect(coordinator.locator('ul.outcome-effects li').allTextContents()).resolves.toEqual([
      '1 open appeal will be closed.',
      '0 letters still waiting to be sent will be cancelled.',
      '1 supporter who wrote will get a thank-you email.',
    ]);
    await look(coordinator, '10-outcome-confirm');
    await coordinator.getByRole('button', { name: 'Mark as released' }).click();
    await coordinator.waitForURL(`${base}/console/cases/${caseId}?done=outcome`);
    await expect(coordinator.getByRole('status').textContent()).resolves.toBe('The outcome is marked.');
    await expect(coordinator.locator('dd[data-status]').getAttribute('data-status')).resolves.toBe('released');
    await look(coordinator, '10-released');
    await expect(app.db.query(`SELECT status FROM appeals WHERE id = $1`, [appealId]).then((result) => result.rows[0].status)).resolves.toBe('closed');
    const thankYou = await mailTo(MEMBER.email, 'thank-you', (message) => message.messageId.startsWith('<member-thank-you-'));
    expect(thankYou.subject).toBe(`Your letters helped: ${CASE.name} is free`);
    expect(thankYou.text).toContain('Letters you sent: 2.');
    await waitFor(
      async () => ((await app.db.query(`SELECT sent_at FROM case_outcome_mails WHERE case_id = $1 AND supporter_id = $2`, [caseId, joined.id])).rows[0]?.sent_at ? true : undefined),
      () => 'the thank-you is not recorded sent',
    );
    // Mail went only where it should: the two staff and member mails, the two letters, the thank-you.
    expect(sink.messages.map((message) => message.to.join(',')).sort()).toEqual(
      [COORDINATOR.email, MEMBER.email, MEMBER.email, MEMBER.email, OFFICIALS.en.email, OFFICIALS.ru.email].sort(),
    );

    expect(axeProblems).toEqual([]);
    // The refusals of the journey: the template with the unknown variable, the launch before the translation.
    expect(refusals).toEqual(['400 POST /console/templates', `409 POST /console/appeals/${appealId}/launch`]);
  }, 240_000);
});
