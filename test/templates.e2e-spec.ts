import { aCase, anAppealTemplate, anOfficial, aSupporter } from './helpers/factories';
import { countRows, messagesOf } from './helpers/responses';
import { startTestApp, TestApp } from './helpers/test-app';

const UNKNOWN_ID = '5b0c3f1e-8a7d-4c2b-9e6f-0a1b2c3d4e5f';

describe('templates: strict validation when saved, preview as the letter will read', () => {
  let app: TestApp;
  let coordinator: string;
  let caseId: string;
  let officialId: string;

  beforeAll(async () => {
    app = await startTestApp('templates');
    const { api, adminToken } = app;
    const coordinatorBody = aSupporter({ role: 'coordinator' });
    expect((await api.post('/api/supporters', coordinatorBody, adminToken)).status).toBe(201);
    coordinator = await api.login(coordinatorBody.email, coordinatorBody.password);
    const created = await api.post('/api/cases', aCase(), coordinator);
    expect(created.status).toBe(201);
    caseId = created.body.id;
    const official = await api.post('/api/officials', anOfficial({ salutation: 'Dear Prosecutor General Rahimzoda' }), coordinator);
    expect(official.status).toBe(201);
    officialId = official.body.id;
  });

  afterAll(async () => {
    await app?.close();
  });

  /** Posts a template that must be refused: 400, every message matching, and no row written. */
  async function expectRefused(template: Record<string, unknown>, expected: RegExp[]): Promise<string[]> {
    const before = await countRows(app.db, 'templates');
    const response = await app.api.post('/api/templates', template, coordinator);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(expect.objectContaining({ statusCode: 400, error: 'Bad Request' }));
    const messages = messagesOf(response.body);
    for (const pattern of expected) expect(messages).toContainEqual(expect.stringMatching(pattern));
    await expect(countRows(app.db, 'templates')).resolves.toBe(before);
    return messages;
  }

  const withBody = (lines: string[], overrides: Record<string, unknown> = {}) => anAppealTemplate({ body: lines.join('\n'), ...overrides });

  describe('refuses, naming the problem and its line', () => {
    it('an unknown variable', async () => {
      const messages = await expectRefused(withBody(['{{official.salutation}},', '', 'We write about {{case.nickname}}.', '{{supporter.signature}}']), [
        /line 3\b.*'case\.nickname'/,
      ]);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/unknown variable/);
    });

    it("an official's email, which a template must never see", async () => {
      await expectRefused(withBody(['{{official.salutation}},', 'cc {{official.email}}']), [/line 2\b.*unknown variable 'official\.email'/]);
    });

    it('an unknown helper', async () => {
      const messages = await expectRefused(withBody(['{{official.salutation}},', '', '{{shout case.name}} must be released.']), [/line 3\b.*unknown helper 'shout'/]);
      expect(messages.join('\n')).not.toMatch(/line [124]\b/);
    });

    it('a syntax error', async () => {
      await expectRefused(withBody(['{{official.salutation}},', '', 'We write about {{case.name}.', 'Yours']), [/line 3\b.*syntax error/]);
    });

    it('an unclosed block, at the end of the template', async () => {
      await expectRefused(withBody(['{{official.salutation}},', '{{#if note}}', '{{note}}', 'Yours']), [/line 4\b.*syntax error/]);
    });

    it('a problem in the subject, named as the subject', async () => {
      await expectRefused(anAppealTemplate({ subject: 'Release {{case.secret}}' }), [/subject line 1\b.*'case\.secret'/]);
    });

    it('every problem at once, each with its own line', async () => {
      await expectRefused(withBody(['{{official.salutation}},', '{{case.nickname}}', '{{uppercase case.name}}']), [
        /line 2\b.*unknown variable 'case\.nickname'/,
        /line 3\b.*unknown helper 'uppercase'/,
      ]);
    });

    it('a field the request lacks or gets wrong, by name', async () => {
      await expectRefused(anAppealTemplate({ kind: 'postcard' }), [/^kind must be one of appeal, thank-you, invitation/]);
      await expectRefused({ ...anAppealTemplate(), subject: undefined }, [/^subject\b/]);
    });
  });

  describe('refuses anything that reaches past the allowed variables', () => {
    it.each([
      ['{{constructor.constructor}}', /line 2\b.*'constructor\.constructor'/],
      ['{{case.name.constructor}}', /line 2\b.*'case\.name\.constructor'/],
      ['{{__proto__}}', /line 2\b.*'__proto__'/],
      ['{{lookup case "name"}}', /line 2\b.*unknown helper 'lookup'/],
      ['{{#each}}x{{/each}}', /line 2\b.*unknown helper 'each'/],
      ['{{#each case}}{{this}}{{/each}}', /line 2\b.*unknown helper 'each'/],
      ['{{#with case}}{{name}}{{/with}}', /line 2\b.*unknown helper 'with'/],
      ['{{> footer}}', /line 2\b.*partial 'footer' is not allowed/],
      ['{{#> layout}}x{{/layout}}', /line 2\b.*partial 'layout' is not allowed/],
      ['{{#*inline "footer"}}x{{/inline}}', /line 2\b.*decorator 'inline' is not allowed/],
    ])('%s', async (construct, message) => {
      await expectRefused(withBody(['{{official.salutation}},', construct, '{{supporter.signature}}']), [message]);
    });

    it('the same constructs in the subject', async () => {
      await expectRefused(anAppealTemplate({ subject: 'Release {{constructor.constructor}}' }), [/subject line 1\b.*'constructor\.constructor'/]);
      await expectRefused(anAppealTemplate({ subject: 'Release {{> name}}' }), [/subject line 1\b.*partial 'name'/]);
    });
  });

  describe('kind-specific variables', () => {
    it('refuses lettersSent in an appeal and accepts it in a thank-you', async () => {
      await expectRefused(withBody(['Dear {{official.name}},', 'I have sent {{lettersSent}} letters.']), [/line 2\b.*unknown variable 'lettersSent'/]);
      await expectRefused(withBody(['Dear friend,', 'You sent {{lettersSent}} letters.'], { kind: 'invitation' }), [/line 2\b.*'lettersSent'/]);

      const thanks = await app.api.post(
        '/api/templates',
        withBody(['Dear {{supporter.signature}},', 'Your {{lettersSent}} letters helped release {{case.name}}.'], { kind: 'thank-you', name: 'Thanks', subject: '{{case.name}} is free' }),
        coordinator,
      );
      expect(thanks.status).toBe(201);
      const { rows } = await app.db.query('SELECT kind, body FROM templates WHERE id = $1', [thanks.body.id]);
      expect(rows).toEqual([{ kind: 'thank-you', body: 'Dear {{supporter.signature}},\nYour {{lettersSent}} letters helped release {{case.name}}.' }]);
    });

    it('accepts signUrl only in an invitation', async () => {
      await expectRefused(withBody(['Dear {{official.name}},', 'Sign: {{signUrl}}']), [/line 2\b.*unknown variable 'signUrl'/]);
      await expectRefused(withBody(['Thank you.', '', 'Again: {{signUrl}}'], { kind: 'thank-you' }), [/line 3\b.*unknown variable 'signUrl'/]);

      const invitation = await app.api.post(
        '/api/templates',
        withBody(['Dear {{supporter.signature}},', 'This month: {{case.name}}. Sign here: {{signUrl}}'], { kind: 'invitation', name: 'Invitation', subject: 'Letters for {{case.name}}' }),
        coordinator,
      );
      expect(invitation.status).toBe(201);
      await expect(countRows(app.db, 'templates', 'id = $1 AND kind = $2', [invitation.body.id, 'invitation'])).resolves.toBe(1);

      const preview = await app.api.post(`/api/templates/${invitation.body.id}/preview`, { caseId, officialId }, coordinator);
      expect(preview.status).toBe(200);
      expect(preview.body).toEqual({ subject: 'Letters for Rukhshona Khakimova', body: expect.stringContaining('Sign here: [sign link]') });
    });
  });

  describe('a valid template', () => {
    let templateId: string;
    const supporters: Record<'full' | 'initials' | 'anonymous', { id: string; email: string }> = {} as never;

    beforeAll(async () => {
      const before = await countRows(app.db, 'templates');
      const template = await app.api.post(
        '/api/templates',
        anAppealTemplate({
          body: ['{{official.salutation}},', '', 'I am writing about {{case.name}}, a {{case.profession}} from {{case.countryName}}.', '', 'Yours sincerely,', '{{supporter.signature}}|{{supporter.city}}|{{supporter.countryName}}'].join('\n'),
        }),
        coordinator,
      );
      expect(template.status).toBe(201);
      expect(template.body).toEqual(expect.objectContaining({ id: expect.any(String), kind: 'appeal', language: 'en', subject: 'Release {{case.name}}' }));
      templateId = template.body.id;
      await expect(countRows(app.db, 'templates')).resolves.toBe(before + 1);

      for (const style of ['full', 'initials', 'anonymous'] as const) {
        const body = aSupporter({ name: 'Jane Quinn Doe', city: 'Winnipeg', country: 'CA', signatureStyle: style });
        const created = await app.api.post('/api/supporters', body, coordinator);
        expect(created.status).toBe(201);
        expect(created.body.signatureStyle).toBe(style);
        supporters[style] = { id: created.body.id, email: body.email };
      }
    });

    const preview = (body: Record<string, unknown>, id = templateId) => app.api.post(`/api/templates/${id}/preview`, body, coordinator);

    it('previews without a supporter, with a placeholder where the signature goes', async () => {
      const response = await preview({ caseId, officialId });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        subject: 'Release Rukhshona Khakimova',
        body: [
          'Dear Prosecutor General Rahimzoda,',
          '',
          'I am writing about Rukhshona Khakimova, a journalist from Tajikistan.',
          '',
          'Yours sincerely,',
          '[your name]||',
        ].join('\n'),
      });
    });

    it("signs with the supporter's full name when that is their style", async () => {
      const response = await preview({ caseId, officialId, supporterId: supporters.full.id });
      expect(response.status).toBe(200);
      expect(response.body.body.split('\n').pop()).toBe('Jane Quinn Doe|Winnipeg|Canada');
      expect(response.body.body).not.toContain(supporters.full.email);
    });

    it('signs with initials only, never the name', async () => {
      const response = await preview({ caseId, officialId, supporterId: supporters.initials.id });
      expect(response.status).toBe(200);
      expect(response.body.body.split('\n').pop()).toBe('J. Q. D.|Winnipeg|Canada');
      expect(response.body.body).not.toContain('Jane');
      expect(response.body.body).not.toContain(supporters.initials.email);
    });

    it('signs anonymously, with neither the name nor the city', async () => {
      const response = await preview({ caseId, officialId, supporterId: supporters.anonymous.id });
      expect(response.status).toBe(200);
      expect(response.body.body.split('\n').pop()).toBe('a supporter from Canada||Canada');
      expect(response.body.body).not.toMatch(/Jane|Winnipeg|J\. Q\. D\./);
    });

    it('is 404 for an unknown case, official, supporter or template', async () => {
      for (const [body, id] of [
        [{ caseId: UNKNOWN_ID, officialId }, templateId],
        [{ caseId, officialId: UNKNOWN_ID }, templateId],
        [{ caseId, officialId, supporterId: UNKNOWN_ID }, templateId],
        [{ caseId, officialId }, UNKNOWN_ID],
      ] as const) {
        const response = await preview(body, id);
        expect([response.status, response.body.statusCode]).toEqual([404, 404]);
      }
      const unknownCase = await preview({ caseId: UNKNOWN_ID, officialId });
      expect(messagesOf(unknownCase.body)).toEqual(['Case not found']);
    });

    it('is 404 for a malformed template id, never 500', async () => {
      for (const id of ['not-a-uuid', '12345', `${templateId}x`, "1' OR '1'='1"]) {
        const response = await preview({ caseId, officialId }, encodeURIComponent(id));
        expect([id, response.status]).toEqual([id, 404]);
      }
    });

    it('is 400 naming the field for a malformed case, official or supporter id in the body', async () => {
      const response = await preview({ caseId: 'not-a-uuid', officialId: 'also-not', supporterId: '42' });
      expect(response.status).toBe(400);
      expect(messagesOf(response.body)).toEqual(expect.arrayContaining([expect.stringMatching(/^caseId\b/), expect.stringMatching(/^officialId\b/), expect.stringMatching(/^supporterId\b/)]));
    });
  });
});
