import { aCase, aSupporter } from './helpers/factories';
import { startTestApp, TestApp } from './helpers/test-app';

const PRISON = 'Rukhshona Khakimova, prisoner no. 4471\nCorrectional Colony No. 3\nUlitsa Mirzo Tursunzoda 12\nDushanbe 734025';

describe('messages of solidarity: written by members, held, approved or rejected by coordinators', () => {
  let app: TestApp;
  let coordinator: string;
  let coordinatorId: string;
  let member: string;
  let memberId: string;
  let other: string;
  let caseId: string;

  beforeAll(async () => {
    app = await startTestApp('messages');
    const staff = aSupporter({ role: 'coordinator' });
    const created = await app.api.post('/api/supporters', staff, app.adminToken);
    expect(created.status).toBe(201);
    coordinatorId = created.body.id;
    coordinator = await app.api.login(staff.email, staff.password);
    for (const who of ['member', 'other'] as const) {
      const body = aSupporter();
      const supporter = await app.api.post('/api/supporters', body, coordinator);
      expect(supporter.status).toBe(201);
      const token = await app.api.login(body.email, body.password);
      if (who === 'member') [member, memberId] = [token, supporter.body.id];
      else other = token;
    }
    const record = await app.api.post('/api/cases', aCase({ acceptsMessages: true, messageAddress: PRISON }), coordinator);
    expect(record.status).toBe(201);
    caseId = record.body.id;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('records the message settings of a case; a member never sees the address', async () => {
    const staffView = await app.api.get(`/api/cases/${caseId}`, coordinator);
    expect(staffView.body).toEqual(expect.objectContaining({ acceptsMessages: true, messageAddress: PRISON, messageCountry: 'TJ' }));
    const list = await app.api.get('/api/cases', app.adminToken);
    expect(list.body.items[0]).toEqual(expect.objectContaining({ messageAddress: PRISON }));
    for (const path of [`/api/cases/${caseId}`, '/api/cases']) {
      const seen = await app.api.get(path, member);
      expect(seen.status).toBe(200);
      const text = JSON.stringify(seen.body);
      expect(text).toContain('"acceptsMessages":true');
      expect(text).not.toContain('prisoner no. 4471');
      expect(text).not.toContain('messageAddress');
      expect(text).not.toContain('messageCountry');
    }
  });

  it('validates the message fields of a case by name', async () => {
    const bad = await app.api.post('/api/cases', aCase({ acceptsMessages: 'yes', messageAddress: Array.from({ length: 9 }, (_, i) => `Line ${i}`).join('\n'), messageCountry: 'XX' }), coordinator);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual(expect.arrayContaining([expect.stringMatching(/^acceptsMessages/), expect.stringMatching(/^messageAddress must have at most 8 lines/), expect.stringMatching(/^messageCountry/)]));
    const long = await app.api.post('/api/cases', aCase({ messageAddress: 'x'.repeat(101) }), coordinator);
    expect(long.status).toBe(400);
    expect(long.body.message).toEqual([expect.stringMatching(/^messageAddress must have no line longer than 100/)]);
    // Without an address a case may accept messages (a cards run asks for one); lines are kept as printed.
    const plain = await app.api.post('/api/cases', aCase({ acceptsMessages: true, messageAddress: '  Colony 3 \r\n\r\n Dushanbe  ', messageCountry: 'ru' }), coordinator);
    expect(plain.status).toBe(201);
    expect(plain.body).toEqual(expect.objectContaining({ messageAddress: 'Colony 3\nDushanbe', messageCountry: 'RU' }));
    const cleared = await app.api.patch(`/api/cases/${plain.body.id}`, { messageAddress: null, messageCountry: null, acceptsMessages: false }, coordinator);
    expect(cleared.status).toBe(200);
    expect(cleared.body).toEqual(expect.objectContaining({ acceptsMessages: false, messageAddress: null, messageCountry: 'TJ' }));
    const nulled = await app.api.patch(`/api/cases/${plain.body.id}`, { acceptsMessages: null }, coordinator);
    expect(nulled.status).toBe(400);
  });

  it('holds a message, one per member and case at a time, and lists it to coordinators without the email', async () => {
    const written = await app.api.post(`/api/cases/${caseId}/messages`, { text: '  Dear Rukhshona,\r\nwe think of you every day.  ' }, member);
    expect(written.status).toBe(201);
    expect(written.body).toEqual({ id: expect.any(String), caseId, text: 'Dear Rukhshona,\nwe think of you every day.', status: 'held', createdAt: expect.any(String) });
    const again = await app.api.post(`/api/cases/${caseId}/messages`, { text: 'Another one' }, member);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('message_pending');
    const listed = await app.api.get(`/api/cases/${caseId}/messages?status=held`, coordinator);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual(expect.objectContaining({ total: 1, page: 1, limit: 50 }));
    expect(listed.body.items[0]).toEqual(expect.objectContaining({ id: written.body.id, text: written.body.text, status: 'held', supporterId: memberId, createdAt: expect.any(String) }));
    expect(JSON.stringify(listed.body)).not.toContain('@members.example');
    expect((await app.api.get(`/api/cases/${caseId}/messages?status=nope`, coordinator)).status).toBe(400);
    expect((await app.api.get(`/api/cases/${caseId}/messages`, member)).status).toBe(403);
  });

  it('refuses texts the cards cannot hold, naming the problem', async () => {
    const cases: [unknown, RegExp][] = [
      ['   ', /^text must not be empty/],
      ['a'.repeat(601), /^text must be at most 600 characters/],
      [Array.from({ length: 13 }, () => 'line').join('\n'), /^text must have at most 12 lines/],
      ['Courage! 😀 中', /^text has characters the cards' fonts cannot print: U\+1F600 😀, U\+4E2D 中/],
      [42, /^text must be a string/],
    ];
    for (const [text, message] of cases) {
      const refused = await app.api.post(`/api/cases/${caseId}/messages`, { text }, other);
      expect(refused.status).toBe(400);
      expect(([] as string[]).concat(refused.body.message)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
    }
    // Cyrillic, Tajik letters and 600 characters exactly are fine.
    const fine = await app.api.post(`/api/cases/${caseId}/messages`, { text: `Сабр ва матонат, ҷӯра! ${'я'.repeat(576)}` }, other);
    expect(fine.status).toBe(201);
  });

  it('refuses a case that takes no messages, or has ended; an unknown or malformed case is 404', async () => {
    const closed = await app.api.post('/api/cases', aCase(), coordinator);
    const refused = await app.api.post(`/api/cases/${closed.body.id}/messages`, { text: 'Hello' }, member);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual(expect.objectContaining({ code: 'messages_not_accepted', message: 'This case does not accept messages' }));
    const released = await app.api.post('/api/cases', aCase({ acceptsMessages: true }), coordinator);
    expect((await app.api.patch(`/api/cases/${released.body.id}`, { status: 'released' }, coordinator)).status).toBe(200);
    const late = await app.api.post(`/api/cases/${released.body.id}/messages`, { text: 'Hello' }, member);
    expect(late.status).toBe(400);
    expect(late.body.message).toBe('This case is released: it takes no more messages');
    expect((await app.api.post('/api/cases/5b0c3f1e-8a7d-4c2b-9e6f-0a1b2c3d4e5f/messages', { text: 'Hello' }, member)).status).toBe(404);
    expect((await app.api.post('/api/cases/not-a-uuid/messages', { text: 'Hello' }, member)).status).toBe(404);
    expect((await app.api.post(`/api/cases/${caseId}/messages`, { text: 'Hello' })).status).toBe(401);
  });

  it('approves or rejects a held message once (409 after), audits it by ids, and lets the member write again', async () => {
    const held = (await app.api.get(`/api/cases/${caseId}/messages?status=held`, coordinator)).body.items as { id: string; supporterId: string }[];
    const mine = held.find((message) => message.supporterId === memberId)!;
    const theirs = held.find((message) => message.supporterId !== memberId)!;
    expect((await app.api.post(`/api/messages/${mine.id}/approve`, undefined, member)).status).toBe(403);
    const approved = await app.api.post(`/api/messages/${mine.id}/approve`, undefined, coordinator);
    expect(approved.status).toBe(200);
    expect(approved.body).toEqual(expect.objectContaining({ id: mine.id, status: 'approved', decidedBy: coordinatorId, decidedAt: expect.any(String) }));
    const twice = await app.api.post(`/api/messages/${mine.id}/reject`, undefined, coordinator);
    expect(twice.status).toBe(409);
    expect(twice.body).toEqual(expect.objectContaining({ code: 'message_decided', message: expect.stringContaining('approved already') }));
    const rejected = await app.api.post(`/api/messages/${theirs.id}/reject`, undefined, app.adminToken);
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('rejected');
    expect((await app.api.post(`/api/messages/${theirs.id}/approve`, undefined, coordinator)).status).toBe(409);
    expect((await app.api.post('/api/messages/5b0c3f1e-8a7d-4c2b-9e6f-0a1b2c3d4e5f/approve', undefined, coordinator)).status).toBe(404);
    expect((await app.api.post('/api/messages/xyz/reject', undefined, coordinator)).status).toBe(404);

    const { rows } = await app.db.query(`SELECT actor_id, action, subject_type, subject_id, detail FROM audit_log WHERE subject_type = 'message' ORDER BY at`);
    expect(rows).toEqual([
      { actor_id: coordinatorId, action: 'message.approve', subject_type: 'message', subject_id: mine.id, detail: { caseId } },
      { actor_id: expect.any(String), action: 'message.reject', subject_type: 'message', subject_id: theirs.id, detail: { caseId } },
    ]);
    const byStatus = async (status: string) => (await app.api.get(`/api/cases/${caseId}/messages?status=${status}`, coordinator)).body.items.map((message: { id: string }) => message.id);
    await expect(byStatus('approved')).resolves.toEqual([mine.id]);
    await expect(byStatus('rejected')).resolves.toEqual([theirs.id]);
    await expect(byStatus('held')).resolves.toEqual([]);
    // Decided: the member may write again.
    expect((await app.api.post(`/api/cases/${caseId}/messages`, { text: 'Still with you.' }, member)).status).toBe(201);
  });
});
