import { addAutoSigners, lettersOf, settled } from './helpers/delivery';
import { aCase, anAppealTemplate, anOfficial, aSupporter } from './helpers/factories';
import { headerOf, QueueWatch } from './helpers/member-mail';
import { ReceivedMessage, SmtpSink } from './helpers/smtp-sink';
import { startTestApp, TestApp } from './helpers/test-app';
import { waitFor } from './helpers/wait';

/** Thank-yous carry Message-ID <member-thank-you-<caseId>-<supporterId>@...>. */
function thankYous(sink: SmtpSink): ReceivedMessage[] {
  return sink.messages.filter((message) => message.messageId.startsWith('<member-thank-you-'));
}

describe('outcomes: a released case closes its appeals and thanks those who wrote', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let queue: QueueWatch;
  let coordinator: string;
  let caseId: string;
  let firstAppealId: string;
  let heldAppealId: string;
  const officialEmails = { first: 'prosecutor@outcomes-gov.example', second: 'president@outcomes-gov.example', slow: 'ombudsman@outcomes-gov.example' };

  async function anAppealOf(officialIds: string[], templateId: string): Promise<string> {
    const appeal = await app.api.post('/api/appeals', { caseId, title: 'Free him', templateIds: [templateId], officialIds }, coordinator);
    expect(appeal.status).toBe(201);
    const launched = await app.api.post(`/api/appeals/${appeal.body.id}/launch`, undefined, coordinator);
    expect(launched.status).toBe(200);
    return appeal.body.id;
  }

  const supporterId = async (email: string): Promise<string> => (await app.db.query<{ id: string }>(`SELECT id FROM supporters WHERE email = $1`, [email])).rows[0].id;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    // The slow official's server answers 4xx, so the letters to it stay queued for a retry.
    sink.reply = (message) => {
      if (message.to.includes(officialEmails.slow)) return { code: 451, message: '4.3.0 Try again later' };
      return { accept: true };
    };
    app = await startTestApp('outcomes', { SMTP_URL: sink.url, RETRY_DELAY_MS: '1500' });
    queue = new QueueWatch(app.config);
    const coordinatorBody = aSupporter({ role: 'coordinator' });
    expect((await app.api.post('/api/supporters', coordinatorBody, app.adminToken)).status).toBe(201);
    coordinator = await app.api.login(coordinatorBody.email, coordinatorBody.password);

    await addAutoSigners(app.db, 3, 'early');
    await app.db.query(`INSERT INTO supporters (email, name, country, city, language, auto_sign) VALUES ('ru-1@members.example', 'Участник Один', 'RU', 'Kazan', 'ru', true)`);

    const created = await app.api.post('/api/cases', aCase({ name: 'Urunboy Usmonov', status: 'sentenced' }), coordinator);
    expect(created.status).toBe(201);
    caseId = created.body.id;
    const officialIds: Record<keyof typeof officialEmails, string> = { first: '', second: '', slow: '' };
    for (const [key, email] of Object.entries(officialEmails) as [keyof typeof officialEmails, string][]) {
      const official = await app.api.post('/api/officials', anOfficial({ email }), coordinator);
      expect(official.status).toBe(201);
      officialIds[key] = official.body.id;
    }
    const template = await app.api.post('/api/templates', anAppealTemplate(), coordinator);
    expect(template.status).toBe(201);
    // English thank-yous from this saved template; Russian ones from the default file.
    const thankYou = await app.api.post(
      '/api/templates',
      anAppealTemplate({ kind: 'thank-you', name: 'Thanks', subject: 'Thank you: {{case.name}}', body: 'You sent {{lettersSent}} letters for {{case.name}}.' }),
      coordinator,
    );
    expect(thankYou.status).toBe(201);

    firstAppealId = await anAppealOf([officialIds.first, officialIds.second], template.body.id);
    await settled(app.db, firstAppealId);
    // A member who joins in between writes one letter, in a second appeal that everyone signs.
    await addAutoSigners(app.db, 1, 'mid');
    await settled(app.db, await anAppealOf([officialIds.first], template.body.id));

    // Members who join later write only to the slow official: none of their letters is sent.
    await addAutoSigners(app.db, 2, 'late');
    heldAppealId = await anAppealOf([officialIds.slow], template.body.id);
    await waitFor(
      async () => {
        const letters = await lettersOf(app.db, heldAppealId);
        return letters.length === 7 && letters.every((letter) => letter.status === 'queued' && letter.attempts === 1) ? letters : undefined;
      },
      async () => `held letters: ${JSON.stringify(await lettersOf(app.db, heldAppealId))}`,
    );
    // A supporter who wrote but unsubscribed since gets no thank-you.
    await app.db.query(`UPDATE supporters SET unsubscribed_at = now() WHERE email = 'early-3@members.example'`);
  });

  afterAll(async () => {
    await queue?.close();
    await app?.close();
    await sink?.stop();
  });

  it('closes the appeals, cancels the queued letters for good, and thanks each supporter who wrote once, with their count', async () => {
    const heldLetters = await lettersOf(app.db, heldAppealId);
    const released = await app.api.patch(`/api/cases/${caseId}`, { status: 'released' }, coordinator);
    expect(released.status).toBe(200);
    expect(released.body.status).toBe('released');

    for (const appealId of [firstAppealId, heldAppealId]) {
      const appeal = await app.api.get(`/api/appeals/${appealId}`, coordinator);
      expect(appeal.body.status).toBe('closed');
    }
    const cancelled = await lettersOf(app.db, heldAppealId);
    expect(cancelled.map((letter) => letter.status)).toEqual(heldLetters.map(() => 'cancelled'));

    await waitFor(
      async () => (thankYous(sink).length >= 4 ? true : undefined),
      () => `thank-yous received: ${thankYous(sink).length}`,
    );
    // The held letters' retries ran and found nothing to send.
    await queue.idle(30_000);
    for (const letter of heldLetters) {
      expect(sink.receptions.get(letter.id)).toBe(1);
      expect(sink.messages.some((message) => message.letterId === letter.id)).toBe(false);
    }
    await expect(lettersOf(app.db, heldAppealId)).resolves.toEqual(cancelled);

    const received = thankYous(sink);
    expect(received.map((message) => message.to.join(',')).sort()).toEqual(['early-1@members.example', 'early-2@members.example', 'mid-1@members.example', 'ru-1@members.example']);
    const byEmail = new Map(received.map((message) => [message.to[0], message]));
    expect(byEmail.get('early-1@members.example')!.subject).toBe('Thank you: Urunboy Usmonov');
    expect(byEmail.get('early-1@members.example')!.text).toContain('You sent 3 letters for Urunboy Usmonov.');
    expect(byEmail.get('early-2@members.example')!.text).toContain('You sent 3 letters for Urunboy Usmonov.');
    expect(byEmail.get('mid-1@members.example')!.text).toContain('You sent 1 letters for Urunboy Usmonov.');
    expect(byEmail.get('ru-1@members.example')!.subject).toBe('Ваши письма помогли: Urunboy Usmonov на свободе');
    expect(byEmail.get('ru-1@members.example')!.text).toContain('Отправлено Ваших писем: 3.');
    for (const message of received) {
      expect(headerOf(message, 'List-Unsubscribe')).toMatch(/\/api\/unsubscribe\//);
      expect(message.messageId).toContain(caseId);
    }
    const late = [await supporterId('late-1@members.example'), await supporterId('late-2@members.example')];
    expect(received.some((message) => late.some((id) => message.messageId.includes(id)))).toBe(false);
  });

  it('sends nothing more when the case is marked again, or marked deceased after', async () => {
    const before = thankYous(sink).length;
    const unchanged = await app.api.patch(`/api/cases/${caseId}`, {}, coordinator);
    expect(unchanged.status).toBe(200);
    expect(unchanged.body.status).toBe('released');
    expect((await app.api.patch(`/api/cases/${caseId}`, { status: 'released' }, coordinator)).status).toBe(200);
    expect((await app.api.patch(`/api/cases/${caseId}`, { status: 'deceased' }, coordinator)).status).toBe(200);
    await queue.idle();
    expect(thankYous(sink)).toHaveLength(before);
    const { rows } = await app.db.query<{ count: number }>(`SELECT count(*)::int AS count FROM case_outcome_mails WHERE case_id = $1 AND sent_at IS NOT NULL`, [caseId]);
    expect(rows[0].count).toBe(4);
  });
});
