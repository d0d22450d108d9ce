import { aCase, anOfficial, aSupporter } from './helpers/factories';
import { memberMails, tokenIn } from './helpers/member-mail';
import { tableCounts } from './helpers/responses';
import { SmtpSink } from './helpers/smtp-sink';
import { startTestApp, TestApp } from './helpers/test-app';
import { waitFor } from './helpers/wait';

const PUBLIC_URL = 'https://letters.example.org';
const CYRILLIC = /[\u0400-\u04ff]/;

/** The case as recorded: English fields, and their Russian translation. */
const ENGLISH = { name: 'Rukhshona Khakimova', profession: 'journalist', charges: 'Complicity in high treason (Article 305 of the Criminal Code)' };
const RUSSIAN = { name: 'Рухшона Хакимова', profession: 'журналист', charges: 'Соучастие в государственной измене (статья 305 Уголовного кодекса)', summary: 'Журналист, приговорена к восьми годам заключения после закрытого суда.' };

describe('languages: a Russian letter reads as written in Russian', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let coordinator: string;
  let templates: { id: string; kind: string; language: string; name: string }[];

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    app = await startTestApp('languages', { SMTP_URL: sink.url, MAIL_FROM: 'letters@qalam.example', ORG_NAME: 'Pen Friends', PUBLIC_URL });
    const body = aSupporter({ role: 'coordinator' });
    expect((await app.api.post('/api/supporters', body, app.adminToken)).status).toBe(201);
    coordinator = await app.api.login(body.email, body.password);
  });

  afterAll(async () => {
    await app?.close();
    await sink?.stop();
  });

  it('lists the default templates on a fresh install', async () => {
    const listed = await app.api.get('/api/templates?limit=100', coordinator);
    expect(listed.status).toBe(200);
    templates = listed.body.items;
    expect(templates.map((t) => `${t.language}/${t.kind}`).sort()).toEqual(['en/appeal', 'en/invitation', 'en/thank-you', 'ru/appeal', 'ru/invitation', 'ru/thank-you']);
  });

  it('records gender and translations, validates them, and clears with null', async () => {
    const refused = await app.api.post('/api/cases', aCase({ gender: 'other', translations: { RU: {}, ru: { name: 'a\nb', colour: 'red' } } }), coordinator);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^gender must be one of female, male/),
        expect.stringContaining('translations.RU: the key must be a two-letter ISO 639-1 code'),
        expect.stringContaining('translations.ru.name must be one line'),
      ]),
    );
    const created = await app.api.post('/api/cases', aCase({ gender: 'male', translations: { ru: { name: 'Кто-то', charges: 'x' } } }), coordinator);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ gender: 'male', translations: { ru: { name: 'Кто-то', charges: 'x' } } });
    const patched = await app.api.patch(`/api/cases/${created.body.id}`, { gender: null, translations: { ru: { charges: null, profession: 'поэт' } } }, coordinator);
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ gender: null, translations: { ru: { name: 'Кто-то', profession: 'поэт' } } });
    const read = await app.api.get(`/api/cases/${created.body.id}`, coordinator);
    expect(read.body.translations).toEqual({ ru: { name: 'Кто-то', profession: 'поэт' } });
    const cleared = await app.api.patch(`/api/cases/${created.body.id}`, { translations: null }, coordinator);
    expect(cleared.body.translations).toEqual({});
  });

  it('refuses to launch with a Russian template for a case with no Russian translation, naming the fields, and changes nothing', async () => {
    const record = await app.api.post('/api/cases', aCase({ ...ENGLISH }), coordinator);
    const official = await app.api.post('/api/officials', anOfficial({ language: 'ru' }), coordinator);
    const ru = templates.find((t) => t.kind === 'appeal' && t.language === 'ru')!;
    const appeal = await app.api.post('/api/appeals', { caseId: record.body.id, title: 'Free her', templateIds: [ru.id], officialIds: [official.body.id] }, coordinator);
    expect(appeal.status).toBe(201);
    await app.db.query(`INSERT INTO supporters (email, name, country, city, language, auto_sign) VALUES ('auto-ru@members.example', 'Auto Signer', 'CA', 'Toronto', 'ru', true)`);
    const before = await tableCounts(app.db);
    const launched = await app.api.post(`/api/appeals/${appeal.body.id}/launch`, undefined, coordinator);
    expect(launched.status).toBe(409);
    expect(launched.body.message).toContain(`translations.ru.name, translations.ru.profession, translations.ru.charges: the case has no Russian name, profession and charges for the template '${ru.name}'`);
    await expect(tableCounts(app.db)).resolves.toEqual(before);
    await expect(app.api.get(`/api/appeals/${appeal.body.id}`, coordinator).then((r) => r.body.status)).resolves.toBe('draft');
    // A cycle opening it is refused the same way.
    const cycle = await app.api.post('/api/cycles', { month: '2026-11', title: 'November', appealIds: [appeal.body.id] }, coordinator);
    const opened = await app.api.post(`/api/cycles/${cycle.body.id}/open`, undefined, coordinator);
    expect(opened.status).toBe(409);
    expect(opened.body.message).toContain('translations.ru.name');
    await expect(app.api.get(`/api/cycles/${cycle.body.id}`, coordinator).then((r) => r.body.status)).resolves.toBe('draft');
    await app.db.query(`DELETE FROM supporters WHERE email = 'auto-ru@members.example'`);
  });

  it('delivers the Russian letter in Russian and its English twin in English, and invites a Russian member in Russian', async () => {
    const record = await app.api.post('/api/cases', aCase({ ...ENGLISH, gender: 'female', detainedOn: '2025-02-05', translations: { ru: RUSSIAN } }), coordinator);
    expect(record.status).toBe(201);
    const officials: { id: string; email: string }[] = [];
    for (const body of [anOfficial({ language: 'ru', email: 'prokuror@gov.example', title: 'Генеральный прокурор', name: 'Юсуф Рахмон', salutation: 'Уважаемый господин Генеральный прокурор', organisation: 'Генеральная прокуратура' }), anOfficial({ language: 'en', email: 'ambassador@gov.example' })]) {
      officials.push((await app.api.post('/api/officials', body, coordinator)).body as { id: string; email: string });
    }
    const ids = ['ru', 'en'].map((language) => templates.find((t) => t.kind === 'appeal' && t.language === language)!.id);
    const appeal = await app.api.post('/api/appeals', { caseId: record.body.id, title: 'Free Rukhshona', templateIds: ids, officialIds: officials.map((o) => o.id) }, coordinator);
    const cycle = await app.api.post('/api/cycles', { month: '2026-12', title: 'December letters', appealIds: [appeal.body.id] }, coordinator);
    // An anonymous Russian member who signs on the page; an invitation first.
    const member = aSupporter({ language: 'ru', country: 'CA', city: 'Toronto', name: 'Anna Secret', signatureStyle: 'anonymous', email: 'anna-ru@members.example' });
    expect((await app.api.post('/api/supporters', member, coordinator)).status).toBe(201);
    const opened = await app.api.post(`/api/cycles/${cycle.body.id}/open`, undefined, coordinator);
    expect(opened.status).toBe(200);

    const invitation = await waitFor(
      async () => memberMails(sink, 'invitation').find((message) => message.to[0] === member.email),
      () => 'no invitation yet',
      20_000,
    );
    expect(invitation.subject).toBe('Обращение этого месяца: December letters');
    expect(invitation.text).toContain(`${RUSSIAN.name} (${RUSSIAN.profession}), Таджикистан.`);
    expect(invitation.text).toContain(RUSSIAN.summary);
    expect(invitation.text).toContain('Вы получили это письмо как участник группы Pen Friends');
    for (const english of [ENGLISH.name, ENGLISH.charges, 'journalist', 'unsubscribe here', 'Dear supporter', 'Tajikistan']) expect(invitation.text).not.toContain(english);

    // The signing page, in Russian.
    const token = tokenIn(invitation.text, PUBLIC_URL, '/sign/');
    const page = await fetch(`${app.api.baseUrl}/sign/${token}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toMatch(/^<!doctype html>\n<html lang="ru">/);
    expect(html).toContain('Перейти к содержанию');
    expect(html).toContain(`>${RUSSIAN.name}</h2>`);
    expect(html).toContain('Сторонник (Канада)');
    for (const english of ['Skip to the content', 'This month’s letters', 'My letters', 'Sign this letter', 'How to sign', 'The case', 'A personal note', 'Stop all emails', 'Subject:', 'Case 1 of 1']) {
      // (The English official's letter is shown as they receive it, in English: only the page's own words are checked.)
      expect(html).not.toContain(english);
    }
    const signed = await fetch(`${app.api.baseUrl}/sign/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `appealIds=${appeal.body.id}` });
    expect(signed.status).toBe(200);
    const thanks = await signed.text();
    expect(thanks).toContain('<h1>Спасибо</h1>');
    expect(thanks).not.toContain('Thank you');

    const delivered = await waitFor(
      async () => {
        const mine = sink.messages.filter((message) => officials.some((official) => message.to[0] === official.email));
        return mine.length === 2 ? mine : undefined;
      },
      () => `${sink.messages.length} messages in the sink`,
      20_000,
    );
    const russian = delivered.find((message) => message.to[0] === 'prokuror@gov.example')!;
    const english = delivered.find((message) => message.to[0] === 'ambassador@gov.example')!;
    console.log(`RUSSIAN LETTER\nFrom: ${russian.fromHeader}\nSubject: ${russian.subject}\n\n${russian.text}\n\nENGLISH LETTER\nFrom: ${english.fromHeader}\nSubject: ${english.subject}\n\n${english.text}`);

    const russianLetter = `${russian.subject}\n${russian.text}`;
    for (const text of [RUSSIAN.name, RUSSIAN.profession, RUSSIAN.charges]) expect(russianLetter).toContain(text);
    for (const word of `${ENGLISH.name} ${ENGLISH.profession} ${ENGLISH.charges}`.split(/[\s()]+/).filter((w) => /^[A-Za-z]{3,}$/.test(w))) {
      expect(russianLetter).not.toMatch(new RegExp(`\\b${word}\\b`, 'i'));
    }
    expect(russianLetter).not.toContain('(-а)');
    expect(russianLetter).toContain('была немедленно и безоговорочно освобождена');
    expect(russianLetter).toMatch(/\d{1,2} [а-я]+ \d{4} г\.(?!\.)/);
    expect(russianLetter).not.toContain('г..');
    expect(russianLetter).toContain('С 5 февраля 2025 г. Рухшона Хакимова находится под стражей.');
    expect(russian.text).toContain('\nСторонник (Канада)\n');
    expect(russian.text).not.toContain('Toronto');
    expect(russian.text).not.toContain('Anna');
    expect(russian.fromHeader).toContain('Сторонник (Канада) через Pen Friends');
    expect(russianLetter).not.toContain('supporter');

    expect(`${english.subject}\n${english.text}\n${english.fromHeader}`).not.toMatch(CYRILLIC);
    expect(english.text).toContain(ENGLISH.name);
    expect(english.text).toContain('a supporter from Canada');
    expect(english.fromHeader).toContain('a supporter from Canada via Pen Friends');
  });

  it('shows the join page in the browser’s language, with a switch, and its errors too', async () => {
    const russian = await fetch(`${app.api.baseUrl}/join`, { headers: { 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.5' } });
    const html = await russian.text();
    expect(html).toMatch(/<html lang="ru">/);
    expect(html).toContain('<h1>Присоединиться к группе писем</h1>');
    expect(html).toContain('href="/join?lang&#x3D;en"'); // Handlebars escapes '='
    for (const english of ['Join the letter-writing group', 'Your consent', 'I agree', 'Choose a country', 'Skip to the content']) expect(html).not.toContain(english);
    const english = await (await fetch(`${app.api.baseUrl}/join?lang=en`, { headers: { 'accept-language': 'ru' } })).text();
    expect(english).toContain('<h1>Join the letter-writing group</h1>');
    const gone = await fetch(`${app.api.baseUrl}/sign/not-a-token`, { headers: { 'accept-language': 'ru' } });
    expect(gone.status).toBe(404);
    await expect(gone.text()).resolves.toContain('Эта ссылка не работает');
  });
});
