import { aCase, anAppealTemplate, anOfficial, aSupporter } from './helpers/factories';
import { messagesOf } from './helpers/responses';
import { startTestApp, TestApp } from './helpers/test-app';

/** GET and PATCH /api/officials/:id, GET /api/templates/:id and GET /api/appeals: the contract's routes the API lacked. */

const UNKNOWN_ID = '5b0c3f1e-8a7d-4c2b-9e6f-0a1b2c3d4e5f';

interface SchemaObject {
  $ref?: string;
  type?: string;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  items?: SchemaObject;
}

describe('contract routes: officials, templates and appeals by id and by filter', () => {
  let app: TestApp;
  let coordinator: string;
  let member: string;
  let document: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: SchemaObject }> }> }>>; components: { schemas: Record<string, SchemaObject> } };

  const resolve = (schema: SchemaObject): SchemaObject => (schema.$ref ? resolve(document.components.schemas[schema.$ref.split('/').pop()!]) : schema);

  /** The body has exactly the fields its documented 2xx schema lists, every required one present. */
  function expectDocumented(method: string, path: string, status: number, body: Record<string, unknown>): void {
    const schema = resolve(document.paths[path][method].responses[status].content!['application/json'].schema);
    expect(Object.keys(body).sort()).toEqual(Object.keys(schema.properties ?? {}).sort());
    expect((schema.required ?? []).filter((field) => !(field in body))).toEqual([]);
  }

  beforeAll(async () => {
    app = await startTestApp('contract_routes');
    const coordinatorBody = aSupporter({ role: 'coordinator' });
    const memberBody = aSupporter();
    await expect(app.api.post('/api/supporters', coordinatorBody, app.adminToken)).resolves.toMatchObject({ status: 201 });
    await expect(app.api.post('/api/supporters', memberBody, app.adminToken)).resolves.toMatchObject({ status: 201 });
    coordinator = await app.api.login(coordinatorBody.email, coordinatorBody.password);
    member = await app.api.login(memberBody.email, memberBody.password);
    document = (await app.api.get('/api/docs-json')).body;
  });

  afterAll(async () => {
    await app?.close();
  });

  describe('GET /api/officials/:id', () => {
    it('answers the official, as documented', async () => {
      const created = await app.api.post('/api/officials', anOfficial({ name: 'Yusuf Rahmon', maxLettersPerHour: 30 }), coordinator);
      expect(created.status).toBe(201);
      const response = await app.api.get(`/api/officials/${created.body.id}`, coordinator);
      expect(response.status).toBe(200);
      expect(response.body).toEqual(created.body);
      expect(response.body).toMatchObject({ name: 'Yusuf Rahmon', maxLettersPerHour: 30, country: 'TJ' });
      expectDocumented('get', '/api/officials/{id}', 200, response.body);
    });

    it('is 404 for an unknown or a malformed id, 403 for a member, 401 without a token', async () => {
      const created = await app.api.post('/api/officials', anOfficial(), coordinator);
      await expect(app.api.get(`/api/officials/${UNKNOWN_ID}`, coordinator)).resolves.toMatchObject({ status: 404, body: { statusCode: 404, error: 'Not Found' } });
      await expect(app.api.get('/api/officials/not-a-uuid', coordinator)).resolves.toMatchObject({ status: 404, body: { statusCode: 404 } });
      await expect(app.api.get(`/api/officials/${created.body.id}`, member)).resolves.toMatchObject({ status: 403, body: { statusCode: 403 } });
      await expect(app.api.get(`/api/officials/${created.body.id}`)).resolves.toMatchObject({ status: 401 });
    });
  });

  describe('PATCH /api/officials/:id', () => {
    it('changes the fields given and keeps the others; null clears an optional field', async () => {
      const created = await app.api.post('/api/officials', anOfficial({ postalAddress: 'Rudaki Avenue 25\nDushanbe 734025', maxLettersPerHour: 10 }), coordinator);
      const id = created.body.id as string;
      const changed = await app.api.patch(`/api/officials/${id}`, { title: ' Deputy Prosecutor General ', salutation: null, maxLettersPerHour: null, country: 'uz' }, coordinator);
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ id, title: 'Deputy Prosecutor General', salutation: null, maxLettersPerHour: null, country: 'UZ', name: created.body.name, email: created.body.email });
      expectDocumented('patch', '/api/officials/{id}', 200, changed.body);
      // Stored, not only answered.
      const { rows } = await app.db.query('SELECT title, salutation, max_letters_per_hour, country, postal_address FROM officials WHERE id = $1', [id]);
      expect(rows).toEqual([{ title: 'Deputy Prosecutor General', salutation: null, max_letters_per_hour: null, country: 'UZ', postal_address: 'Rudaki Avenue 25\nDushanbe 734025' }]);
      // An official with a postal address may lose its email.
      await expect(app.api.patch(`/api/officials/${id}`, { email: null }, coordinator)).resolves.toMatchObject({ status: 200, body: { email: null } });
      // An empty change changes nothing.
      await expect(app.api.patch(`/api/officials/${id}`, {}, coordinator)).resolves.toMatchObject({ status: 200, body: { id, title: 'Deputy Prosecutor General' } });
    });

    it('validates like POST: 400 naming each bad field, null for a required field included, and changes nothing', async () => {
      const created = await app.api.post('/api/officials', anOfficial(), coordinator);
      const id = created.body.id as string;
      const refused = await app.api.patch(`/api/officials/${id}`, { name: null, language: 'russian', country: 'XX', maxLettersPerHour: 0, timezone: 'Mars/Olympus' }, coordinator);
      expect(refused.status).toBe(400);
      const messages = messagesOf(refused.body);
      for (const field of ['name', 'language', 'country', 'maxLettersPerHour', 'timezone']) expect(messages.some((message) => message.startsWith(field))).toBe(true);
      await expect(app.api.patch(`/api/officials/${id}`, { title: null }, coordinator)).resolves.toMatchObject({ status: 400, body: { message: expect.arrayContaining([expect.stringMatching(/^title/)]) } });
      await expect(app.api.patch(`/api/officials/${id}`, { email: 'not an address' }, coordinator)).resolves.toMatchObject({ status: 400, body: { message: expect.arrayContaining([expect.stringMatching(/^email/)]) } });
      await expect(app.api.patch(`/api/officials/${id}`, { role: 'admin' }, coordinator)).resolves.toMatchObject({ status: 400 });
      // Without a postal address, clearing the email would leave the official unreachable.
      const unreachable = await app.api.patch(`/api/officials/${id}`, { email: null }, coordinator);
      expect(unreachable.status).toBe(400);
      expect(messagesOf(unreachable.body)[0]).toMatch(/^email: an official needs an email or a postal address/);
      await expect(app.api.get(`/api/officials/${id}`, coordinator)).resolves.toMatchObject({ status: 200, body: created.body });
    });

    it('is 404 for an unknown or a malformed id, 403 for a member', async () => {
      const created = await app.api.post('/api/officials', anOfficial(), coordinator);
      await expect(app.api.patch(`/api/officials/${UNKNOWN_ID}`, { title: 'Minister' }, coordinator)).resolves.toMatchObject({ status: 404, body: { statusCode: 404 } });
      await expect(app.api.patch('/api/officials/1234', { title: 'Minister' }, coordinator)).resolves.toMatchObject({ status: 404 });
      await expect(app.api.patch(`/api/officials/${created.body.id}`, { title: 'Minister' }, member)).resolves.toMatchObject({ status: 403 });
      const { rows } = await app.db.query('SELECT title FROM officials WHERE id = $1', [created.body.id]);
      expect(rows).toEqual([{ title: 'Prosecutor General' }]);
    });
  });

  describe('GET /api/templates/:id', () => {
    it('answers the template, as documented; 404 unknown or malformed; 403 for a member', async () => {
      const created = await app.api.post('/api/templates', anAppealTemplate({ name: 'Appeal for release' }), coordinator);
      expect(created.status).toBe(201);
      const response = await app.api.get(`/api/templates/${created.body.id}`, coordinator);
      expect(response.status).toBe(200);
      // The template as created, with its versions (DESIGN.md: "one with its versions"): one so far.
      const { versions, ...template } = response.body;
      expect(template).toEqual(created.body);
      expect(versions).toEqual([expect.objectContaining({ version: 1, subject: created.body.subject, body: created.body.body })]);
      expect(response.body).toMatchObject({ name: 'Appeal for release', kind: 'appeal' });
      expectDocumented('get', '/api/templates/{id}', 200, response.body);
      await expect(app.api.get(`/api/templates/${UNKNOWN_ID}`, coordinator)).resolves.toMatchObject({ status: 404, body: { statusCode: 404 } });
      await expect(app.api.get('/api/templates/abc', coordinator)).resolves.toMatchObject({ status: 404 });
      await expect(app.api.get(`/api/templates/${created.body.id}`, member)).resolves.toMatchObject({ status: 403 });
    });
  });

  describe('GET /api/appeals', () => {
    let caseA: string;
    let caseB: string;
    const appealIds: Record<string, string> = {};

    beforeAll(async () => {
      caseA = (await app.api.post('/api/cases', aCase({ name: 'Case A' }), coordinator)).body.id;
      caseB = (await app.api.post('/api/cases', aCase({ name: 'Case B' }), coordinator)).body.id;
      const official = (await app.api.post('/api/officials', anOfficial(), coordinator)).body.id;
      const template = (await app.api.post('/api/templates', anAppealTemplate(), coordinator)).body.id;
      for (const [name, caseId] of [['a1', caseA], ['a2', caseA], ['b1', caseB]] as const) {
        const created = await app.api.post('/api/appeals', { caseId, title: `Appeal ${name}`, templateIds: [template], officialIds: [official] }, coordinator);
        expect(created.status).toBe(201);
        appealIds[name] = created.body.id;
      }
      await expect(app.api.post(`/api/appeals/${appealIds.a2}/launch`, undefined, coordinator)).resolves.toMatchObject({ status: 200 });
    });

    it('lists appeals, oldest first, paginated, each as GET /api/appeals/:id shows it', async () => {
      const all = await app.api.get('/api/appeals', coordinator);
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ total: 3, page: 1, limit: 50 });
      expect(all.body.items.map((appeal: { id: string }) => appeal.id)).toEqual([appealIds.a1, appealIds.a2, appealIds.b1]);
      const one = await app.api.get(`/api/appeals/${appealIds.a2}`, coordinator);
      expect(all.body.items[1]).toEqual(one.body);
      expectDocumented('get', '/api/appeals', 200, all.body);
      expectDocumented('get', '/api/appeals/{id}', 200, all.body.items[0]);
      const second = await app.api.get('/api/appeals?page=2&limit=2', coordinator);
      expect(second.body).toMatchObject({ total: 3, page: 2, limit: 2 });
      expect(second.body.items.map((appeal: { id: string }) => appeal.id)).toEqual([appealIds.b1]);
    });

    it('filters by status and by caseId, together or alone', async () => {
      const ids = async (query: string) => (await app.api.get(`/api/appeals?${query}`, coordinator)).body.items.map((appeal: { id: string }) => appeal.id);
      await expect(ids('status=draft')).resolves.toEqual([appealIds.a1, appealIds.b1]);
      await expect(ids('status=open')).resolves.toEqual([appealIds.a2]);
      await expect(ids(`caseId=${caseA}`)).resolves.toEqual([appealIds.a1, appealIds.a2]);
      await expect(ids(`caseId=${caseB}&status=draft`)).resolves.toEqual([appealIds.b1]);
      await expect(ids(`caseId=${caseB}&status=open`)).resolves.toEqual([]);
      await expect(ids(`caseId=${UNKNOWN_ID}`)).resolves.toEqual([]);
      await expect(app.api.get(`/api/appeals?caseId=${caseA}&status=open`, coordinator)).resolves.toMatchObject({ body: { total: 1 } });
    });

    it('is 400 naming the field for a bad filter or page, 403 for a member', async () => {
      const badStatus = await app.api.get('/api/appeals?status=finished', coordinator);
      expect(badStatus.status).toBe(400);
      expect(messagesOf(badStatus.body)).toEqual([expect.stringMatching(/^status must be one of draft, open/)]);
      await expect(app.api.get('/api/appeals?caseId=not-a-uuid', coordinator)).resolves.toMatchObject({ status: 400, body: { message: ['caseId must be a UUID'] } });
      await expect(app.api.get('/api/appeals?status=open&status=draft', coordinator)).resolves.toMatchObject({ status: 400, body: { message: [expect.stringMatching(/^status/)] } });
      await expect(app.api.get('/api/appeals?page=0', coordinator)).resolves.toMatchObject({ status: 400, body: { message: [expect.stringMatching(/^page/)] } });
      await expect(app.api.get('/api/appeals?colour=red', coordinator)).resolves.toMatchObject({ status: 400 });
      await expect(app.api.get('/api/appeals', member)).resolves.toMatchObject({ status: 403 });
      await expect(app.api.get('/api/appeals')).resolves.toMatchObject({ status: 401 });
    });
  });
});
