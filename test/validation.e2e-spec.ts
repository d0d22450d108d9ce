import { aCase, anAppealTemplate, anOfficial, aSupporter } from './helpers/factories';
import { messagesOf, tableCounts } from './helpers/responses';
import { startTestApp, TestApp } from './helpers/test-app';

interface Ids {
  caseId: string;
  officialId: string;
  templateId: string;
  appealId: string;
}

interface Malformed {
  method: 'GET' | 'POST' | 'PATCH';
  path: (ids: Ids) => string;
  /** A JSON body (serialised here) or the raw text of the body with its content type. */
  body?: (ids: Ids) => unknown;
  raw?: string;
  contentType?: string;
  /** Who sends it: every route needs a role, so that the check reached is the one on the input. */
  as: 'coordinator' | 'member' | 'anonymous';
  status: number;
  /** What the message must say: the field, or the problem of the body. */
  names: RegExp;
}

const UNKNOWN_UUID = '5b0c3f1e-8a7d-4c2b-9e6f-0a1b2c3d4e5f';
const json = (method: Malformed['method'], path: Malformed['path'], body: Malformed['body'], names: RegExp, as: Malformed['as'] = 'coordinator', status = 400): Malformed => ({ method, path, body, names, as, status });

const CASES: Record<string, Malformed> = {
  // wrong types
  'case name as a number': json('POST', () => '/api/cases', () => aCase({ name: 42 }), /^name/),
  'case tags as a string': json('POST', () => '/api/cases', () => aCase({ tags: 'journalist' }), /^tags/),
  'case tags holding a number': json('POST', () => '/api/cases', () => aCase({ tags: [7] }), /^tags/),
  'case summary as an object': json('POST', () => '/api/cases', () => aCase({ summary: { text: 'x' } }), /^summary/),
  'official maxLettersPerHour as a string': json('POST', () => '/api/officials', () => anOfficial({ maxLettersPerHour: '10' }), /^maxLettersPerHour/),
  'official maxLettersPerHour as a fraction': json('POST', () => '/api/officials', () => anOfficial({ maxLettersPerHour: 1.5 }), /^maxLettersPerHour/),
  'supporter autoSign as a string': json('POST', () => '/api/supporters', () => aSupporter({ autoSign: 'yes' }), /^autoSign/),
  'appeal templateIds as a string': json('POST', () => '/api/appeals', (i) => ({ caseId: i.caseId, title: 'T', templateIds: i.templateId, officialIds: [i.officialId] }), /^templateIds/),
  'login password as a number': json('POST', () => '/api/auth/login', () => ({ email: 'a@b.example', password: 12345678 }), /^password/, 'anonymous'),
  'signature note as a number': json('POST', (i) => `/api/appeals/${i.appealId}/signatures`, () => ({ note: 5 }), /^note/, 'member'),
  'signup consent as the string "true"': json('POST', () => '/api/signup', () => ({ email: 'x@members.example', name: 'X Y', country: 'CA', consent: 'true', consentVersion: 'v1' }), /^consent/, 'anonymous'),
  // missing fields
  'case without a name': json('POST', () => '/api/cases', () => ({ ...aCase(), name: undefined }), /^name/),
  'case without a status': json('POST', () => '/api/cases', () => ({ ...aCase(), status: undefined }), /^status/),
  'official without a title': json('POST', () => '/api/officials', () => ({ ...anOfficial(), title: undefined }), /^title/),
  'official with neither email nor postal address': json('POST', () => '/api/officials', () => ({ ...anOfficial(), email: undefined }), /^email/),
  'template without a body': json('POST', () => '/api/templates', () => ({ ...anAppealTemplate(), body: undefined }), /^body/),
  'appeal without officials': json('POST', () => '/api/appeals', (i) => ({ caseId: i.caseId, title: 'T', templateIds: [i.templateId] }), /^officialIds/),
  'appeal with an empty official list': json('POST', () => '/api/appeals', (i) => ({ caseId: i.caseId, title: 'T', templateIds: [i.templateId], officialIds: [] }), /^officialIds/),
  'login without a password': json('POST', () => '/api/auth/login', () => ({ email: 'a@b.example' }), /^password/, 'anonymous'),
  'case event without a kind': json('POST', (i) => `/api/cases/${i.caseId}/events`, () => ({ occurredOn: '2025-03-01', description: 'd' }), /^kind/),
  'cycle without appeals': json('POST', () => '/api/cycles', () => ({ month: '2026-01', title: 'January' }), /^appealIds/),
  'preview without an official': json('POST', (i) => `/api/templates/${i.templateId}/preview`, (i) => ({ caseId: i.caseId }), /^officialId/),
  // unknown fields
  'case with an unknown field': json('POST', () => '/api/cases', () => aCase({ secret: 1 }), /secret/),
  'supporter setting its own id': json('POST', () => '/api/supporters', () => aSupporter({ id: UNKNOWN_UUID }), /\bid\b/),
  'supporter with a passwordHash': json('POST', () => '/api/supporters', () => aSupporter({ passwordHash: 'x' }), /passwordHash/),
  'signature with a supporterId': json('POST', (i) => `/api/appeals/${i.appealId}/signatures`, () => ({ supporterId: UNKNOWN_UUID }), /supporterId/, 'member'),
  'case change with an unknown field': json('PATCH', (i) => `/api/cases/${i.caseId}`, () => ({ createdAt: '2020-01-01' }), /createdAt/),
  'list with an unknown query parameter': { method: 'GET', path: () => '/api/supporters?orderBy=passwordHash', as: 'coordinator', status: 400, names: /orderBy/ },
  // oversized strings and bodies
  'case name of 201 characters': json('POST', () => '/api/cases', () => aCase({ name: 'x'.repeat(201) }), /^name/),
  'signature note of 2,001 characters': json('POST', (i) => `/api/appeals/${i.appealId}/signatures`, () => ({ note: 'x'.repeat(2001) }), /^note/, 'member'),
  'template subject of 501 characters': json('POST', () => '/api/templates', () => anAppealTemplate({ subject: 'x'.repeat(501) }), /^subject/),
  'case with 21 tags': json('POST', () => '/api/cases', () => aCase({ tags: Array.from({ length: 21 }, (_, n) => `tag${n}`) }), /^tags/),
  'a JSON body over 256 kB': { method: 'POST', path: () => '/api/cases', body: () => aCase({ summary: 'x'.repeat(300_000) }), as: 'coordinator', status: 413, names: /body is too large/ },
  'page limit over 500': { method: 'GET', path: () => '/api/supporters?limit=501', as: 'coordinator', status: 400, names: /^limit/ },
  'page as text': { method: 'GET', path: () => '/api/supporters?page=first', as: 'coordinator', status: 400, names: /^page/ },
  // bad UUIDs, in bodies and paths
  'appeal with a malformed caseId': json('POST', () => '/api/appeals', (i) => ({ caseId: 'not-a-uuid', title: 'T', templateIds: [i.templateId], officialIds: [i.officialId] }), /^caseId/),
  'appeal with a malformed official id': json('POST', () => '/api/appeals', (i) => ({ caseId: i.caseId, title: 'T', templateIds: [i.templateId], officialIds: ["' OR 1=1 --"] }), /^officialIds/),
  'appeal with an unknown caseId': json('POST', () => '/api/appeals', (i) => ({ caseId: UNKNOWN_UUID, title: 'T', templateIds: [i.templateId], officialIds: [i.officialId] }), /caseId/),
  'cycle with a malformed appeal id': json('POST', () => '/api/cycles', () => ({ month: '2026-01', title: 'January', appealIds: ['42'] }), /^appealIds/),
  'preview with a malformed supporterId': json('POST', (i) => `/api/templates/${i.templateId}/preview`, (i) => ({ caseId: i.caseId, officialId: i.officialId, supporterId: 'me' }), /^supporterId/),
  'a malformed case id in the path': json('GET', () => '/api/cases/not-a-uuid', undefined, /not found/i, 'member', 404),
  'a malformed appeal id in the path of a signature': json('POST', () => '/api/appeals/1%20OR%201=1/signatures', () => ({}), /not found/i, 'member', 404),
  // bad ISO country codes
  'case country of three letters': json('POST', () => '/api/cases', () => aCase({ country: 'TJK' }), /^country/),
  'case country that is no country': json('POST', () => '/api/cases', () => aCase({ country: 'XX' }), /^country/),
  'official country as a number': json('POST', () => '/api/officials', () => anOfficial({ country: 7 }), /^country/),
  'supporter country as a name': json('POST', () => '/api/supporters', () => aSupporter({ country: 'Canada' }), /^country/),
  // bad dates
  'case detained on the 30th of February': json('POST', () => '/api/cases', () => aCase({ detainedOn: '2024-02-30' }), /^detainedOn/),
  'case detained on a date and time': json('POST', () => '/api/cases', () => aCase({ detainedOn: '2024-11-01T10:00:00Z' }), /^detainedOn/),
  'case event on a day-month-year date': json('POST', (i) => `/api/cases/${i.caseId}/events`, () => ({ occurredOn: '01/03/2025', kind: 'hearing', description: 'd' }), /^occurredOn/),
  'cycle month 13': json('POST', () => '/api/cycles', (i) => ({ month: '2026-13', title: 'T', appealIds: [i.appealId] }), /^month/),
  // invalid emails, and a header in a field
  'official email without a domain': json('POST', () => '/api/officials', () => anOfficial({ email: 'prosecutor@' }), /^email/),
  'official email with a display name': json('POST', () => '/api/officials', () => anOfficial({ email: 'Prosecutor <p@gov.example>' }), /^email/),
  'official email carrying a Bcc header': json('POST', () => '/api/officials', () => anOfficial({ email: 'p@gov.example\r\nBcc: spy@evil.example' }), /^email/),
  'official email with two addresses': json('POST', () => '/api/officials', () => anOfficial({ email: 'p@gov.example, spy@evil.example' }), /^email/),
  'supporter email without an at sign': json('POST', () => '/api/supporters', () => aSupporter({ email: 'member.example' }), /^email/),
  'signup with an invalid email': json('POST', () => '/api/signup', () => ({ email: 'nobody', name: 'X Y', country: 'CA', consent: true, consentVersion: 'v1' }), /^email/, 'anonymous'),
  'official title with a line break': json('POST', () => '/api/officials', () => anOfficial({ title: 'Prosecutor\r\nBcc: spy@evil.example' }), /^title/),
  // invalid CSV, malformed JSON, wrong content type
  'an import that is not CSV but JSON': { method: 'POST', path: () => '/api/supporters/import', raw: '{"email":"a@b.example"}', contentType: 'application/json', as: 'coordinator', status: 400, names: /CSV|text\/csv/ },
  'an import with an unknown column': { method: 'POST', path: () => '/api/supporters/import', raw: 'email,name,country,role\nivy@import.example,Ivy,CA,admin\n', contentType: 'text/csv', as: 'coordinator', status: 400, names: /unknown columns: role/ },
  'an import whose header is unreadable': { method: 'POST', path: () => '/api/supporters/import', raw: '"email,name,country\na@b.example,Person,CA\n', contentType: 'text/csv', as: 'coordinator', status: 400, names: /CSV could not be read/ },
  'an import without the email column': { method: 'POST', path: () => '/api/supporters/import', raw: 'name,country\nPerson,CA\n', contentType: 'text/csv', as: 'coordinator', status: 400, names: /required columns: email/ },
  'an empty import': { method: 'POST', path: () => '/api/supporters/import', raw: '', contentType: 'text/csv', as: 'coordinator', status: 400, names: /CSV|header|empty/i },
  'malformed JSON': { method: 'POST', path: () => '/api/cases', raw: '{"name": "Rukhshona",', contentType: 'application/json', as: 'coordinator', status: 400, names: /not valid JSON/ },
  'a JSON array instead of an object': { method: 'POST', path: () => '/api/cases', raw: '[1,2,3]', contentType: 'application/json', as: 'coordinator', status: 400, names: /name|body/ },
  'a case sent as plain text': { method: 'POST', path: () => '/api/cases', raw: 'name=Rukhshona', contentType: 'text/plain', as: 'coordinator', status: 400, names: /name/ },
  'a login sent as plain text': { method: 'POST', path: () => '/api/auth/login', raw: 'email=a@b.example', contentType: 'text/plain', as: 'anonymous', status: 400, names: /email/ },
  'a template with an unknown helper': json('POST', () => '/api/templates', () => anAppealTemplate({ body: '{{#each (lookup case "constructor")}}x{{/each}}' }), /lookup|helper/i),
};

describe('validation: malformed requests answer 4xx naming the field and write nothing', () => {
  let app: TestApp;
  let coordinator: string;
  let member: string;
  let ids: Ids;

  const snapshot = () => tableCounts(app.db);

  beforeAll(async () => {
    app = await startTestApp('validation');
    const { api, adminToken } = app;
    const coordinatorBody = aSupporter({ role: 'coordinator' });
    expect((await api.post('/api/supporters', coordinatorBody, adminToken)).status).toBe(201);
    coordinator = await api.login(coordinatorBody.email, coordinatorBody.password);
    const memberBody = aSupporter();
    expect((await api.post('/api/supporters', memberBody, coordinator)).status).toBe(201);
    member = await api.login(memberBody.email, memberBody.password);
    const record = await api.post('/api/cases', aCase(), coordinator);
    const official = await api.post('/api/officials', anOfficial(), coordinator);
    const template = await api.post('/api/templates', anAppealTemplate(), coordinator);
    const appeal = await api.post('/api/appeals', { caseId: record.body.id, title: 'Free Rukhshona', templateIds: [template.body.id], officialIds: [official.body.id] }, coordinator);
    expect([record.status, official.status, template.status, appeal.status]).toEqual([201, 201, 201, 201]);
    ids = { caseId: record.body.id, officialId: official.body.id, templateId: template.body.id, appealId: appeal.body.id };
    // Open, so that a signature would be taken if the input let it through.
    expect((await api.post(`/api/appeals/${ids.appealId}/launch`, undefined, coordinator)).status).toBe(200);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('holds at least 40 malformed requests', () => {
    expect(Object.keys(CASES).length).toBeGreaterThanOrEqual(40);
  });

  it.each(Object.entries(CASES))('%s', async (_name, malformed) => {
    const token = malformed.as === 'coordinator' ? coordinator : malformed.as === 'member' ? member : undefined;
    const before = await snapshot();
    const path = malformed.path(ids);
    const response =
      malformed.raw !== undefined
        ? await app.api.request(malformed.method, path, { token, raw: malformed.raw, contentType: malformed.contentType })
        : await app.api.request(malformed.method, path, { token, body: malformed.body?.(ids) });
    expect({ status: response.status, messages: messagesOf(response.body) }).toEqual({ status: malformed.status, messages: expect.arrayContaining([expect.stringMatching(malformed.names)]) });
    expect(response.body).toEqual(expect.objectContaining({ statusCode: malformed.status }));
    await expect(snapshot()).resolves.toEqual(before);
  });
});
