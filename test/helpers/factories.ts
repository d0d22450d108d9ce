/** Valid request bodies with overridable fields. */
let sequence = 0;
const next = () => ++sequence;

export const aCase = (overrides: Record<string, unknown> = {}) => ({
  name: 'Rukhshona Khakimova',
  country: 'TJ',
  profession: 'journalist',
  status: 'sentenced',
  summary: 'Journalist sentenced in February 2025 to eight years in prison on charges of treason after a closed trial.',
  detainedOn: '2024-11-01',
  charges: 'Treason (Article 305 of the Criminal Code)',
  tags: ['journalist'],
  ...overrides,
});

export const anOfficial = (overrides: Record<string, unknown> = {}) => {
  const n = next();
  return {
    name: `Official ${n}`,
    title: 'Prosecutor General',
    salutation: 'Dear Prosecutor General',
    organisation: 'Office of the Prosecutor General',
    country: 'TJ',
    email: `official-${n}@gov.example`,
    language: 'en',
    timezone: 'Asia/Dushanbe',
    ...overrides,
  };
};

export const aSupporter = (overrides: Record<string, unknown> = {}) => {
  const n = next();
  return {
    email: `member-${n}-${Date.now()}@members.example`,
    name: `Member Number${n}`,
    country: 'CA',
    city: 'Toronto',
    language: 'en',
    password: 'member-password-1',
    ...overrides,
  };
};

export const anAppealTemplate = (overrides: Record<string, unknown> = {}) => ({
  name: 'Appeal (English)',
  kind: 'appeal',
  language: 'en',
  subject: 'Release {{case.name}}',
  body: [
    '{{date}}',
    '',
    '{{official.salutation}},',
    '',
    'I am writing about {{case.name}}, a {{case.profession}} from {{case.countryName}}.',
    '{{#if case.charges}}The charges ({{case.charges}}) must be dropped.{{/if}}',
    '{{#if note}}',
    '{{note}}',
    '{{/if}}',
    'Yours sincerely,',
    '{{supporter.signature}}, {{supporter.countryName}}',
  ].join('\n'),
  ...overrides,
});
