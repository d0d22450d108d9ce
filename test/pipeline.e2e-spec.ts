import { aCase, anAppealTemplate, anOfficial, aSupporter } from './helpers/factories';
import { SmtpSink } from './helpers/smtp-sink';
import { startTestApp, TestApp } from './helpers/test-app';
import { waitFor } from './helpers/wait';

const MEMBERS = 20;

describe('the letter pipeline, end to end', () => {
  let sink: SmtpSink;
  let app: TestApp;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    app = await startTestApp('pipeline', { SMTP_URL: sink.url, MAIL_FROM: 'letters@qalam.example', ORG_NAME: 'Global Importune' });
  });

  afterAll(async () => {
    await app?.close();
    await sink?.stop();
  });

  it('delivers one personalised letter per member per official and counts them everywhere', async () => {
    const { api, adminToken } = app;

    // An admin makes a coordinator; the coordinator does the rest.
    const coordinatorBody = aSupporter({ role: 'coordinator', email: 'coordinator@group.example' });
    expect((await api.post('/api/supporters', coordinatorBody, adminToken)).status).toBe(201);
    const coordinator = await api.login(coordinatorBody.email, coordinatorBody.password);

    const created = await api.post('/api/cases', aCase(), coordinator);
    expect(created.status).toBe(201);
    const caseId: string = created.body.id;
    const event = await api.post(`/api/cases/${caseId}/events`, { occurredOn: '2025-02-01', kind: 'sentenced', description: 'Sentenced to eight years', sourceUrl: 'https://example.org/news' }, coordinator);
    expect(event.status).toBe(201);
    const withEvents = await api.get(`/api/cases/${caseId}`, coordinator);
    expect(withEvents.body.events).toEqual([expect.objectContaining({ kind: 'sentenced', occurredOn: '2025-02-01' })]);

    const officials = [];
    for (const body of [anOfficial({ email: 'prosecutor@tj-gov.example' }), anOfficial({ email: 'president@tj-gov.example', title: 'President', salutation: 'Your Excellency' })]) {
      const response = await api.post('/api/officials', body, coordinator);
      expect(response.status).toBe(201);
      officials.push(response.body as { id: string; email: string });
    }
    const template = await api.post('/api/templates', anAppealTemplate(), coordinator);
    expect(template.status).toBe(201);

    const preview = await api.post(`/api/templates/${template.body.id}/preview`, { caseId, officialId: officials[0].id }, coordinator);
    expect(preview.status).toBe(200);
    expect(preview.body.subject).toBe('Release Rukhshona Khakimova');
    expect(preview.body.body).toContain('a journalist from Tajikistan');

    const appeal = await api.post('/api/appeals', { caseId, title: 'Free Rukhshona', templateIds: [template.body.id], officialIds: officials.map((o) => o.id) }, coordinator);
    expect(appeal.status).toBe(201);
    expect(appeal.body.status).toBe('draft');
    const appealId: string = appeal.body.id;
    const launched = await api.post(`/api/appeals/${appealId}/launch`, undefined, coordinator);
    expect(launched.status).toBe(200);
    expect(launched.body.status).toBe('open');

    // Twenty members sign; one adds a note, one signs with initials.
    const members: { id: string; email: string; name: string; token: string }[] = [];
    for (let i = 0; i < MEMBERS; i += 1) {
      const body = aSupporter({ name: i === 1 ? 'Jane Quinn Doe' : `Member Person${i}`, email: `signer-${i}@members.example` });
      const response = await api.post('/api/supporters', body, coordinator);
      expect(response.status).toBe(201);
      members.push({ id: response.body.id, email: body.email, name: body.name, token: await api.login(body.email, body.password) });
    }
    const NOTE = 'I think of Rukhshona and her two children every day.';
    const signatures = await Promise.all(
      members.map((member, i) =>
        api.post(`/api/appeals/${appealId}/signatures`, i === 0 ? { note: NOTE } : i === 1 ? { signatureStyle: 'initials' } : {}, member.token),
      ),
    );
    for (const signature of signatures) {
      expect(signature.status).toBe(201);
      expect(signature.body.letters).toHaveLength(2);
    }

    // Signing twice returns the same signature and creates no letter.
    const again = await api.post(`/api/appeals/${appealId}/signatures`, { note: 'twice' }, members[0].token);
    expect(again.status).toBe(201);
    expect(again.body.signature.id).toBe(signatures[0].body.signature.id);
    expect(again.body.signature.note).toBe(NOTE);
    expect(again.body.letters.map((l: { id: string }) => l.id).sort()).toEqual(signatures[0].body.letters.map((l: { id: string }) => l.id).sort());

    const expected = MEMBERS * officials.length;
    await waitFor(
      async () => ((await api.get(`/api/appeals/${appealId}`, coordinator)).body.letters.sent === expected ? true : undefined),
      async () => `appeal letters: ${JSON.stringify((await api.get(`/api/appeals/${appealId}`, coordinator)).body.letters)}, sink has ${sink.messages.length}`,
    );

    // What the SMTP server received: exactly one letter per member per official.
    expect(sink.messages).toHaveLength(expected);
    const { rows: letters } = await app.db.query<{ id: string; supporter_id: string; official_id: string; message_id: string }>(
      'SELECT id, supporter_id, official_id, message_id FROM letters WHERE appeal_id = $1',
      [appealId],
    );
    expect(letters).toHaveLength(expected);
    const byLetter = new Map(letters.map((letter) => [letter.id, letter]));
    const pairs = new Set<string>();
    for (const message of sink.messages) {
      const letter = byLetter.get(message.letterId ?? '');
      expect(letter).toBeDefined();
      const official = officials.find((o) => o.id === letter!.official_id)!;
      expect(message.to).toEqual([official.email]);
      expect(message.from).toBe('letters@qalam.example');
      expect(message.messageId).toBe(letter!.message_id);
      expect(message.messageId).toContain(letter!.id);
      pairs.add(`${letter!.supporter_id}/${letter!.official_id}`);
    }
    expect(pairs.size).toBe(expected);
    expect(new Set(sink.messages.map((m) => m.messageId)).size).toBe(expected);

    // The note is only in the letters of the member who wrote it.
    const withNote = sink.messages.filter((m) => m.text.includes(NOTE));
    expect(withNote).toHaveLength(officials.length);
    for (const message of withNote) expect(byLetter.get(message.letterId!)!.supporter_id).toBe(members[0].id);

    // Initials, not the full name, for the member who chose them.
    const initialsLetters = sink.messages.filter((m) => byLetter.get(m.letterId!)!.supporter_id === members[1].id);
    expect(initialsLetters).toHaveLength(officials.length);
    for (const message of initialsLetters) {
      expect(message.text).toContain('J. Q. D.');
      expect(message.raw).not.toContain('Jane Quinn Doe');
      expect(message.fromHeader).toContain('J. Q. D. via Global Importune');
    }
    const fullNameLetters = sink.messages.filter((m) => byLetter.get(m.letterId!)!.supporter_id === members[2].id);
    for (const message of fullNameLetters) expect(message.text).toContain('Member Person2');

    // No supporter's address anywhere in any letter.
    for (const message of sink.messages) {
      for (const member of members) expect(message.raw.toLowerCase()).not.toContain(member.email);
      expect(message.raw).not.toContain(coordinatorBody.email);
    }

    // Every stats endpoint agrees with what the server received.
    const today = new Date().toISOString().slice(0, 10);
    const caseStats = await api.get(`/api/stats/cases/${caseId}`, coordinator);
    expect(caseStats.status).toBe(200);
    expect(caseStats.body).toEqual({
      letters: { total: expected, queued: 0, held: 0, sending: 0, sent: expected, failed: 0, unknown: 0, cancelled: 0, bounced: 0, printed: 0, posted: 0 },
      supporters: MEMBERS,
      byDay: [{ date: today, sent: expected }],
    });
    const appealStats = await api.get(`/api/stats/appeals/${appealId}`, coordinator);
    expect(appealStats.body).toEqual(caseStats.body);
    for (const official of officials) {
      const received = sink.messages.filter((m) => m.to[0] === official.email).length;
      const stats = await api.get(`/api/stats/officials/${official.id}`, coordinator);
      expect(stats.body.letters.sent).toBe(received);
      expect(stats.body.letters.total).toBe(received);
      expect(stats.body.supporters).toBe(MEMBERS);
    }
    for (const member of members.slice(0, 3)) {
      const received = sink.messages.filter((m) => byLetter.get(m.letterId!)!.supporter_id === member.id).length;
      const own = await api.get(`/api/stats/supporters/${member.id}`, member.token);
      expect(own.status).toBe(200);
      expect(own.body).toEqual({ letters: expect.objectContaining({ sent: received, total: received }), cases: [{ caseId, name: 'Rukhshona Khakimova', sent: received }] });
      const mine = await api.get('/api/me/letters', member.token);
      expect(mine.body.items).toHaveLength(received);
      expect(mine.body.items.every((letter: { status: string }) => letter.status === 'sent')).toBe(true);
    }
  });
});
