import { aCase, anAppealTemplate, anOfficial } from './helpers/factories';
import { startTestApp, TestApp } from './helpers/test-app';

/** A preview asked before the case has the template's language answers as a launch does (409), never 500. */
describe('preview of a template in a language the case has no translation for', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('untranslated-preview');
  });
  afterAll(async () => {
    await app?.close();
  });
  it('is refused with case_untranslated, naming the field', async () => {
    const { api, adminToken } = app;
    const record = await api.post('/api/cases', aCase(), adminToken);
    const official = await api.post('/api/officials', anOfficial({ language: 'ru' }), adminToken);
    const template = await api.post('/api/templates', anAppealTemplate({ language: 'ru', subject: 'Письмо', body: 'Дело {{case.name}}' }), adminToken);
    expect([record.status, official.status, template.status]).toEqual([201, 201, 201]);
    const preview = await api.post(`/api/templates/${template.body.id}/preview`, { caseId: record.body.id, officialId: official.body.id }, adminToken);
    expect({ status: preview.status, body: preview.body }).toEqual({
      status: 409,
      body: { statusCode: 409, message: "no translation of case.name in the letter's language", error: 'Conflict', code: 'case_untranslated' },
    });
  });
});
