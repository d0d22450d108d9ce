import { ReconcilerService } from '../src/delivery/reconciler.service';
import { memberTokens } from './browser/helpers/month';
import { aCase, anAppealTemplate, anOfficial, aSupporter } from './helpers/factories';
import { SmtpSink } from './helpers/smtp-sink';
import { startTestApp, TestApp } from './helpers/test-app';
import { waitFor } from './helpers/wait';

interface Member {
  id: string;
  token: string;
}

/**
 * Moderation of notes on real Postgres, Redis and a real SMTP server: a held note's letters
 * reach no SMTP server until a coordinator decides; approved ones carry the note, rejected
 * ones go without it, and the member is told.
 */
describe('moderation of notes', () => {
  let sink: SmtpSink;
  let app: TestApp;
  let coordinator: string;
  let caseId: string;
  let templateId: string;
  let officialIds: string[];

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    app = await startTestApp('note_moderation', { SMTP_URL: sink.url, MAIL_FROM: 'letters@qalam.example' });
    const body = aSupporter({ role: 'coordinator' });
    expect((await app.api.post('/api/supporters', body, app.adminToken)).status).toBe(201);
    coordinator = await app.api.login(body.email, body.password);
    const record = await app.api.post('/api/cases', aCase(), coordinator);
    const template = await app.api.post('/api/templates', anAppealTemplate(), coordinator);
    const officials = [await app.api.post('/api/officials', anOfficial(), coordinator), await app.api.post('/api/officials', anOfficial(), coordinator)];
    expect([record.status, template.status, ...officials.map((o) => o.status)]).toEqual([201, 201, 201, 201]);
    caseId = record.body.id;
    templateId = template.body.id;
    officialIds = officials.map((o) => o.body.id);
  });

  afterAll(async () => {
    await app?.close();
    await sink?.stop();
  });

  async function anOpenAppeal(moderation: string | undefined): Promise<string> {
    const created = await app.api.post('/api/appeals', { caseId, title: `Free her (${moderation ?? 'default'})`, templateIds: [templateId], officialIds, ...(moderation ? { moderation } : {}) }, coordinator);
    expect(created.status).toBe(201);
    expect(created.body.moderation).toBe(moderation ?? 'none');
    expect((await app.api.post(`/api/appeals/${created.body.id}/launch`, undefined, coordinator)).status).toBe(200);
    return created.body.id;
  }

  async function aMember(overrides: Record<string, unknown> = {}): Promise<Member> {
    const body = aSupporter(overrides);
    const created = await app.api.post('/api/supporters', body, coordinator);
    expect(created.status).toBe(201);
    return { id: created.body.id, token: await app.api.login(body.email, body.password) };
  }

  async function lettersOfSignature(signatureId: string): Promise<{ id: string; status: string }[]> {
    const { rows } = await app.db.query<{ id: string; status: string }>('SELECT id, status FROM letters WHERE signature_id = $1 ORDER BY id', [signatureId]);
    return rows;
  }

  const receivedFor = (letterIds: string[]) => sink.messages.filter((message) => letterIds.includes(message.letterId ?? ''));

  async function arrived(letterIds: string[]) {
    return waitFor(
      async () => (receivedFor(letterIds).length === letterIds.length ? receivedFor(letterIds) : undefined),
      async () => `letters ${letterIds.join(', ')}: ${JSON.stringify((await app.db.query('SELECT id, status FROM letters WHERE id = ANY($1::uuid[])', [letterIds])).rows)}`,
    );
  }

  it('refuses a moderation it does not know, and creates nothing', async () => {
    const before = await app.db.query<{ count: number }>('SELECT count(*)::int AS count FROM appeals');
    const refused = await app.api.post('/api/appeals', { caseId, title: 'Bad', templateIds: [templateId], officialIds, moderation: 'some' }, coordinator);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('moderation must be one of none, links, all');
    const after = await app.db.query<{ count: number }>('SELECT count(*)::int AS count FROM appeals');
    expect(after.rows[0].count).toBe(before.rows[0].count);
  });

  it('holds a note with a link until approved, sends one without at once, and sends a rejected one without its text', async () => {
    const appealId = await anOpenAppeal('links');
    const [linking, plain, rejected] = [await aMember(), await aMember(), await aMember()];
    const LINK_NOTE = 'Please read t.me/freeher-channel about her health.';
    const PLAIN_NOTE = 'Dear Mr. Smith, article 5.1 of the Covenant protects her.';
    const REJECTED_NOTE = 'Unkind words RJ-7731 https://example.org/x';

    const held = await app.api.post(`/api/appeals/${appealId}/signatures`, { note: LINK_NOTE }, linking.token);
    expect(held.status).toBe(201);
    expect(held.body.signature.noteStatus).toBe('held');
    expect(held.body.letters.map((letter: { status: string }) => letter.status)).toEqual(['held', 'held']);
    const heldLetters = held.body.letters.map((letter: { id: string }) => letter.id) as string[];

    const straight = await app.api.post(`/api/appeals/${appealId}/signatures`, { note: PLAIN_NOTE }, plain.token);
    expect(straight.status).toBe(201);
    expect(straight.body.signature.noteStatus).toBeNull();
    const straightLetters = straight.body.letters.map((letter: { id: string }) => letter.id) as string[];

    const toReject = await app.api.post(`/api/appeals/${appealId}/signatures`, { note: REJECTED_NOTE }, rejected.token);
    expect(toReject.body.signature.noteStatus).toBe('held');
    const rejectedLetters = toReject.body.letters.map((letter: { id: string }) => letter.id) as string[];

    // The note without a link goes straight out, with its note.
    for (const message of await arrived(straightLetters)) expect(message.text).toContain(PLAIN_NOTE);

    // Held letters look forgotten to the reconciler (an hour old), and it still takes none.
    await app.db.query(`UPDATE letters SET updated_at = now() - interval '1 hour' WHERE appeal_id = $1 AND status = 'held'`, [appealId]);
    await app.nest.get(ReconcilerService, { strict: false }).reconcile();
    await waitFor(
      async () => ((await app.db.query(`SELECT count(*)::int AS count FROM letters WHERE status IN ('queued', 'sending')`)).rows[0].count === 0 ? true : undefined),
      () => 'the worker idle',
    );
    expect(receivedFor([...heldLetters, ...rejectedLetters])).toEqual([]);
    expect(sink.messages.filter((message) => message.text.includes('freeher-channel') || message.text.includes('RJ-7731'))).toEqual([]);
    expect((await lettersOfSignature(held.body.signature.id)).map((letter) => letter.status)).toEqual(['held', 'held']);

    // Counted as held, in the appeal and in the stats.
    expect((await app.api.get(`/api/appeals/${appealId}`, coordinator)).body.letters).toEqual(expect.objectContaining({ held: 4, sent: 2, total: 6 }));
    expect((await app.api.get(`/api/stats/appeals/${appealId}`, coordinator)).body.letters).toEqual(expect.objectContaining({ held: 4, sent: 2, total: 6 }));

    // The coordinator's list: the note, no supporter's address.
    const list = await app.api.get(`/api/appeals/${appealId}/held`, coordinator);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(2);
    expect(list.body.items).toEqual([
      { id: held.body.signature.id, note: LINK_NOTE, createdAt: expect.any(String), signatureStyle: 'full', letters: 2 },
      { id: toReject.body.signature.id, note: REJECTED_NOTE, createdAt: expect.any(String), signatureStyle: 'full', letters: 2 },
    ]);
    expect(JSON.stringify(list.body)).not.toContain('@members.example');

    // Members and the anonymous may not decide.
    expect((await app.api.get(`/api/appeals/${appealId}/held`, linking.token)).status).toBe(403);
    expect((await app.api.get(`/api/appeals/${appealId}/held`)).status).toBe(401);
    expect((await app.api.post(`/api/signatures/${held.body.signature.id}/approve`, undefined, linking.token)).status).toBe(403);
    expect((await app.api.post(`/api/signatures/${held.body.signature.id}/reject`, undefined)).status).toBe(401);
    expect((await lettersOfSignature(held.body.signature.id)).map((letter) => letter.status)).toEqual(['held', 'held']);

    const approved = await app.api.post(`/api/signatures/${held.body.signature.id}/approve`, undefined, coordinator);
    expect(approved.status).toBe(200);
    expect(approved.body).toEqual(expect.objectContaining({ id: held.body.signature.id, appealId, noteStatus: 'approved', released: 2 }));
    for (const message of await arrived(heldLetters)) expect(message.text).toContain(LINK_NOTE);

    const refused = await app.api.post(`/api/signatures/${toReject.body.signature.id}/reject`, undefined, coordinator);
    expect(refused.status).toBe(200);
    expect(refused.body.noteStatus).toBe('rejected');
    for (const message of await arrived(rejectedLetters)) {
      expect(message.text).toContain('I am writing about Rukhshona Khakimova');
      expect(message.raw).not.toContain('RJ-7731');
    }
    const { rows: [signature] } = await app.db.query('SELECT note, note_status, decided_by FROM signatures WHERE id = $1', [toReject.body.signature.id]);
    expect(signature).toEqual({ note: null, note_status: 'rejected', decided_by: expect.any(String) });

    // The member is told on their letters.
    const mine = await app.api.get('/api/me/letters', rejected.token);
    expect(mine.body.items.map((letter: { noteStatus: string; status: string }) => [letter.noteStatus, letter.status])).toEqual([
      ['rejected', 'sent'],
      ['rejected', 'sent'],
    ]);

    // A second decision is a conflict; an unknown signature 404; the audit log has both.
    expect((await app.api.post(`/api/signatures/${held.body.signature.id}/approve`, undefined, coordinator)).status).toBe(409);
    expect((await app.api.post(`/api/signatures/${held.body.signature.id}/reject`, undefined, coordinator)).status).toBe(409);
    expect((await app.api.post(`/api/signatures/${straight.body.signature.id}/approve`, undefined, coordinator)).status).toBe(409);
    expect((await app.api.post('/api/signatures/5b0c3f1e-8a7d-4c2b-9e6f-0a1b2c3d4e5f/approve', undefined, coordinator)).status).toBe(404);
    // A malformed id names nothing, as everywhere in the API.
    expect((await app.api.post('/api/signatures/not-an-id/approve', undefined, coordinator)).status).toBe(404);
    const { rows: audit } = await app.db.query('SELECT action, subject_id FROM audit_log WHERE action LIKE $1 ORDER BY at', ['note.%']);
    expect(audit).toEqual([
      { action: 'note.approve', subject_id: held.body.signature.id },
      { action: 'note.reject', subject_id: toReject.body.signature.id },
    ]);
    expect((await app.api.get(`/api/appeals/${appealId}/held`, coordinator)).body.total).toBe(0);
    expect(sink.messages.filter((message) => message.raw.includes('RJ-7731'))).toEqual([]);
  });

  it('holds every note on `all`, never a signature without one, and a cancel cancels held letters', async () => {
    const appealId = await anOpenAppeal('all');
    const [noted, silent] = [await aMember(), await aMember()];
    const held = await app.api.post(`/api/appeals/${appealId}/signatures`, { note: 'Thinking of you every day.' }, noted.token);
    expect(held.body.signature.noteStatus).toBe('held');
    expect(held.body.letters.map((letter: { status: string }) => letter.status)).toEqual(['held', 'held']);
    const none = await app.api.post(`/api/appeals/${appealId}/signatures`, { note: '   ' }, silent.token);
    expect(none.body.signature.noteStatus).toBeNull();
    await arrived(none.body.letters.map((letter: { id: string }) => letter.id));

    expect((await app.api.post(`/api/appeals/${appealId}/cancel`, undefined, coordinator)).status).toBe(200);
    expect((await lettersOfSignature(held.body.signature.id)).map((letter) => letter.status)).toEqual(['cancelled', 'cancelled']);
    const mine = await app.api.get('/api/me/letters', noted.token);
    expect(mine.body.items.map((letter: { noteStatus: string }) => letter.noteStatus)).toEqual(['held', 'held']);
  });

  it('cancels held letters when the case is released', async () => {
    const record = await app.api.post('/api/cases', aCase({ name: 'Daler Imomali' }), coordinator);
    const created = await app.api.post('/api/appeals', { caseId: record.body.id, title: 'Free him', templateIds: [templateId], officialIds, moderation: 'all' }, coordinator);
    expect((await app.api.post(`/api/appeals/${created.body.id}/launch`, undefined, coordinator)).status).toBe(200);
    const member = await aMember();
    const held = await app.api.post(`/api/appeals/${created.body.id}/signatures`, { note: 'Stay strong.' }, member.token);
    expect(held.body.letters.map((letter: { status: string }) => letter.status)).toEqual(['held', 'held']);
    expect((await app.api.patch(`/api/cases/${record.body.id}`, { status: 'released' }, coordinator)).status).toBe(200);
    expect((await lettersOfSignature(held.body.signature.id)).map((letter) => letter.status)).toEqual(['cancelled', 'cancelled']);
    expect((await app.api.get(`/api/stats/cases/${record.body.id}`, coordinator)).body.letters).toEqual(expect.objectContaining({ held: 0, cancelled: 2, total: 2 }));
  });

  it("says on the member's letters page, in English and Russian, that a note waits or was not sent", async () => {
    const appealId = await anOpenAppeal('links');
    const english = await aMember({ language: 'en' });
    const russian = await aMember({ language: 'ru' });
    const signed = await app.api.post(`/api/appeals/${appealId}/signatures`, { note: 'See example.com/news' }, english.token);
    const rejected = await app.api.post(`/api/appeals/${appealId}/signatures`, { note: 'Смотрите свобода.рф' }, russian.token);
    expect([signed.body.signature.noteStatus, rejected.body.signature.noteStatus]).toEqual(['held', 'held']);
    expect((await app.api.post(`/api/signatures/${rejected.body.signature.id}/reject`, undefined, coordinator)).status).toBe(200);
    const cycle = await app.api.post('/api/cycles', { month: '2026-11', title: 'November', appealIds: [appealId] }, coordinator);
    expect((await app.api.post(`/api/cycles/${cycle.body.id}/open`, undefined, coordinator)).status).toBe(200);
    const pageOf = async (member: Member) => {
      const token = memberTokens(app.config.appSecret).issue('sign', { supporterId: member.id, cycleId: cycle.body.id });
      const response = await fetch(`${app.api.baseUrl}/sign/${token}/letters`);
      expect(response.status).toBe(200);
      return response.text();
    };
    const englishPage = await pageOf(english);
    expect(englishPage.match(/Your note waits for a coordinator to read it/g)).toHaveLength(2);
    const russianPage = await pageOf(russian);
    expect(russianPage.match(/Ваша заметка не была отправлена; письмо ушло без неё\./g)).toHaveLength(2);
    expect(russianPage).not.toContain('свобода.рф');
  });

  it('sends every note on `none`, links too', async () => {
    const appealId = await anOpenAppeal(undefined);
    const member = await aMember();
    const signed = await app.api.post(`/api/appeals/${appealId}/signatures`, { note: 'See www.example.org' }, member.token);
    expect(signed.body.signature.noteStatus).toBeNull();
    for (const message of await arrived(signed.body.letters.map((letter: { id: string }) => letter.id))) expect(message.text).toContain('See www.example.org');
  });
});
