import { RetentionService } from '../src/retention/retention.service';
import { anAppeal, settled } from './helpers/delivery';
import { aCase, anAppealTemplate, aSupporter } from './helpers/factories';
import { SmtpSink } from './helpers/smtp-sink';
import { startTestApp, TestApp } from './helpers/test-app';
import { waitFor } from './helpers/wait';

const DAYS = 30;

describe('RETENTION_DAYS: old notes, supporter links and messages scrubbed, every count unchanged', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let coordinator: string;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    app = await startTestApp('retention', { SMTP_URL: sink.url, MAIL_FROM: 'letters@qalam.example', RETENTION_DAYS: String(DAYS), RECONCILE_SECONDS: '1' });
    const staff = aSupporter({ role: 'coordinator' });
    expect((await app.api.post('/api/supporters', staff, app.adminToken)).status).toBe(201);
    coordinator = await app.api.login(staff.email, staff.password);
  });

  afterAll(async () => {
    await app?.close();
    await sink?.stop();
  });

  const aMember = async (): Promise<{ id: string; token: string }> => {
    const body = aSupporter();
    const created = await app.api.post('/api/supporters', body, coordinator);
    expect(created.status).toBe(201);
    return { id: created.body.id, token: await app.api.login(body.email, body.password) };
  };

  const csvOf = async (caseId: string): Promise<string[]> => {
    const response = await fetch(`${app.api.baseUrl}/api/stats/cases/${caseId}/letters.csv`, { headers: { authorization: `Bearer ${coordinator}` } });
    expect(response.status).toBe(200);
    return (await response.text()).trim().split('\n');
  };

  it('scrubs old final letters and keeps every stats endpoint equal, recent letters untouched', async () => {
    const old = await anAppeal(app.api, coordinator, [{ email: 'old-1@gov.example' }, { email: 'old-2@gov.example' }]);
    const members = [await aMember(), await aMember()];
    for (const [index, member] of members.entries()) {
      expect((await app.api.post(`/api/appeals/${old.appealId}/signatures`, { note: `Old note ${index}` }, member.token)).status).toBe(201);
    }
    expect((await settled(app.db, old.appealId)).map((letter) => letter.status)).toEqual(['sent', 'sent', 'sent', 'sent']);

    // A recent appeal on the same case and officials: its letters and note stay as they are.
    const template = await app.api.post('/api/templates', anAppealTemplate({ name: 'Recent' }), coordinator);
    const recent = await app.api.post('/api/appeals', { caseId: old.caseId, title: 'Still free her', templateIds: [template.body.id], officialIds: old.officials.map((official) => official.id) }, coordinator);
    expect(recent.status).toBe(201);
    expect((await app.api.post(`/api/appeals/${recent.body.id}/launch`, undefined, coordinator)).status).toBe(200);
    expect((await app.api.post(`/api/appeals/${recent.body.id}/signatures`, { note: 'Recent note' }, members[0].token)).status).toBe(201);
    await settled(app.db, recent.body.id);
    expect(sink.messages.filter((message) => message.letterId !== null)).toHaveLength(6);

    // A message of solidarity, rejected long ago, and one still waiting for cards (approved: kept).
    const messaging = await app.api.post('/api/cases', aCase({ acceptsMessages: true }), coordinator);
    expect(messaging.status).toBe(201);
    const rejected = await app.api.post(`/api/cases/${messaging.body.id}/messages`, { text: 'Stay strong, from Alice' }, members[0].token);
    expect(rejected.status).toBe(201);
    expect((await app.api.post(`/api/messages/${rejected.body.id}/reject`, undefined, coordinator)).status).toBe(200);
    const approved = await app.api.post(`/api/cases/${messaging.body.id}/messages`, { text: 'We think of you, from Bob' }, members[1].token);
    expect(approved.status).toBe(201);
    expect((await app.api.post(`/api/messages/${approved.body.id}/approve`, undefined, coordinator)).status).toBe(200);

    // The old appeal's letters, signatures and the messages, moved back past RETENTION_DAYS.
    await app.db.query(`UPDATE letters SET created_at = created_at - interval '40 days' WHERE appeal_id = $1`, [old.appealId]);
    await app.db.query(`UPDATE signatures SET created_at = created_at - interval '40 days' WHERE appeal_id = $1`, [old.appealId]);
    await app.db.query(`UPDATE messages SET created_at = created_at - interval '40 days' WHERE case_id = $1`, [messaging.body.id]);

    // An official's reply to an old letter and a bounce report, received long ago (as the inbound listener records them), and a recent reply.
    const [oldLetter] = (await app.db.query<{ id: string; official_id: string }>(`SELECT id, official_id FROM letters WHERE appeal_id = $1 ORDER BY id LIMIT 1`, [old.appealId])).rows;
    await app.db.query(
      `INSERT INTO inbound_mail (kind, received_at, letter_id, case_id, official_id, from_address, subject, body_text, raw)
       VALUES ('reply', now() - interval '40 days', $1, $2, $3, 'minister@gov.example', 'Re: Alice Doe', 'Dear Alice Doe of Toronto', 'raw bytes naming Alice'),
              ('bounce', now() - interval '40 days', $1, $2, $3, 'MAILER-DAEMON@gov.example', 'Undelivered: from Alice Doe', NULL, 'raw report quoting Alice'),
              ('reply', now(), $1, $2, $3, 'minister@gov.example', 'Re: recent', 'A recent answer', NULL)`,
      [oldLetter.id, old.caseId, oldLetter.official_id],
    );

    const endpoints = [
      `/api/stats/cases/${old.caseId}`,
      `/api/stats/appeals/${old.appealId}`,
      `/api/stats/appeals/${recent.body.id}`,
      ...old.officials.map((official) => `/api/stats/officials/${official.id}`),
      '/api/stats/overview',
      ...members.map((member) => `/api/stats/supporters/${member.id}`),
    ];
    const snapshot = () =>
      Promise.all(
        endpoints.map(async (path) => {
          const { status, body } = await app.api.get(path, app.adminToken);
          return { path, status, body };
        }),
      );
    const before = await snapshot();
    expect(before.map((response) => response.status)).toEqual(endpoints.map(() => 200));
    const supporterBefore = before.find((response) => response.path === `/api/stats/supporters/${members[0].id}`)!.body;
    expect(supporterBefore.letters.sent).toBe(4);
    const csvBefore = await csvOf(old.caseId);
    expect(csvBefore).toHaveLength(1 + 6);
    const myLettersBefore = await app.api.get('/api/me/letters', members[1].token);

    const result = await app.nest.get(RetentionService).scrub(DAYS);
    expect(result).toEqual({ letters: 4, notes: 2, messages: 1, inbound: 2 });

    const after = await snapshot();
    expect(after).toEqual(before);
    const csvAfter = await csvOf(old.caseId);
    expect(csvAfter).toHaveLength(csvBefore.length);

    // In Postgres: the old letters unlinked and their notes gone; the recent ones as they were.
    const { rows: oldLetters } = await app.db.query(`SELECT supporter_id FROM letters WHERE appeal_id = $1`, [old.appealId]);
    expect(oldLetters).toEqual([{ supporter_id: null }, { supporter_id: null }, { supporter_id: null }, { supporter_id: null }]);
    const { rows: oldNotes } = await app.db.query(`SELECT note FROM signatures WHERE appeal_id = $1`, [old.appealId]);
    expect(oldNotes).toEqual([{ note: null }, { note: null }]);
    const { rows: recentLetters } = await app.db.query(`SELECT supporter_id FROM letters WHERE appeal_id = $1`, [recent.body.id]);
    expect(recentLetters).toEqual([{ supporter_id: members[0].id }, { supporter_id: members[0].id }]);
    const { rows: recentNotes } = await app.db.query(`SELECT note FROM signatures WHERE appeal_id = $1`, [recent.body.id]);
    expect(recentNotes).toEqual([{ note: 'Recent note' }]);
    const { rows: messages } = await app.db.query(`SELECT id, text, supporter_id, status FROM messages WHERE case_id = $1 ORDER BY created_at`, [messaging.body.id]);
    expect(messages).toEqual([
      { id: rejected.body.id, text: '', supporter_id: null, status: 'rejected' },
      { id: approved.body.id, text: 'We think of you, from Bob', supporter_id: members[1].id, status: 'approved' },
    ]);
    // Inbound mail: the old rows stay (their counts with them), without sender, subject, text or bytes; the recent reply as it was.
    const { rows: inbound } = await app.db.query(`SELECT kind, from_address, subject, body_text, raw FROM inbound_mail WHERE case_id = $1 ORDER BY received_at, kind`, [old.caseId]);
    expect(inbound).toEqual([
      { kind: 'bounce', from_address: null, subject: null, body_text: null, raw: null },
      { kind: 'reply', from_address: null, subject: null, body_text: null, raw: null },
      { kind: 'reply', from_address: 'minister@gov.example', subject: 'Re: recent', body_text: 'A recent answer', raw: null },
    ]);
    // A member's own letters page no longer lists the scrubbed letters (expected: they are no longer theirs).
    const myLettersAfter = await app.api.get('/api/me/letters', members[1].token);
    expect(myLettersAfter.status).toBe(200);
    expect(JSON.stringify(myLettersAfter.body)).not.toEqual(JSON.stringify(myLettersBefore.body));

    // A second run finds nothing more to do, and the counts still hold.
    await expect(app.nest.get(RetentionService).scrub(DAYS)).resolves.toEqual({ letters: 0, notes: 0, messages: 0, inbound: 0 });
    expect(await snapshot()).toEqual(before);
  });

  it('keeps the letters counted in a released case’s thank-you, old and recent together', async () => {
    const thankYou = await app.api.post('/api/templates', anAppealTemplate({ kind: 'thank-you', name: 'Thanks', subject: 'Thank you: {{case.name}}', body: 'You sent {{lettersSent}} letters for {{case.name}}.' }), coordinator);
    expect(thankYou.status).toBe(201);
    const old = await anAppeal(app.api, coordinator, [{ email: 'thanks-1@gov.example' }, { email: 'thanks-2@gov.example' }]);
    const body = aSupporter();
    const created = await app.api.post('/api/supporters', body, coordinator);
    expect(created.status).toBe(201);
    const member = { id: created.body.id as string, email: body.email, token: await app.api.login(body.email, body.password) };
    expect((await app.api.post(`/api/appeals/${old.appealId}/signatures`, {}, member.token)).status).toBe(201);
    await settled(app.db, old.appealId);
    await app.db.query(`UPDATE letters SET created_at = created_at - interval '40 days' WHERE appeal_id = $1`, [old.appealId]);
    await expect(app.nest.get(RetentionService).scrub(DAYS)).resolves.toMatchObject({ letters: 2 });
    const { rows } = await app.db.query(`SELECT supporter_id, case_id, status, count FROM supporter_letter_counts WHERE supporter_id = $1`, [member.id]);
    expect(rows).toEqual([{ supporter_id: member.id, case_id: old.caseId, status: 'sent', count: 2 }]);
    // A recent letter for the same case, still linked.
    const template = await app.api.post('/api/templates', anAppealTemplate({ name: 'Recent thanks' }), coordinator);
    const recent = await app.api.post('/api/appeals', { caseId: old.caseId, title: 'Again', templateIds: [template.body.id], officialIds: [old.officials[0].id] }, coordinator);
    expect((await app.api.post(`/api/appeals/${recent.body.id}/launch`, undefined, coordinator)).status).toBe(200);
    expect((await app.api.post(`/api/appeals/${recent.body.id}/signatures`, {}, member.token)).status).toBe(201);
    await settled(app.db, recent.body.id);

    expect((await app.api.patch(`/api/cases/${old.caseId}`, { status: 'released' }, coordinator)).status).toBe(200);
    const thanks = await waitFor(
      async () => sink.messages.find((message) => message.messageId.startsWith(`<member-thank-you-${old.caseId}-${member.id}`)),
      () => `no thank-you for ${member.id}`,
      30_000,
    );
    expect(thanks.to).toEqual([member.email]);
    expect(thanks.text).toContain('You sent 3 letters');
  });
});
