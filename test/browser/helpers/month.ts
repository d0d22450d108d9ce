import { JwtService } from '@nestjs/jwt';
import { MemberTokenService } from '../../../src/supporters/member-token.service';
import { loadDefaultTemplates } from '../../../src/templates/default-templates';
import { aCase, anOfficial, aSupporter } from '../../helpers/factories';
import { Api } from '../../helpers/test-app';

/*
 * A month of letters for the signing pages' tests: cases with timelines, an English and a
 * Russian official per appeal, the repository's default English and Russian templates,
 * launched appeals bundled in a cycle, and a member to sign them.
 */

export interface MonthOfficial {
  id: string;
  email: string;
  name: string;
  title: string;
  language: string;
}

export interface MonthAppeal {
  appealId: string;
  caseId: string;
  caseName: string;
  /** The case's name in its Russian translation (Russian letters carry no English word of the case). */
  caseNameRu: string;
  officials: MonthOfficial[];
}

export interface Month {
  templates: { en: string; ru: string };
  appeals: MonthAppeal[];
}

export interface Member {
  id: string;
  email: string;
  name: string;
}

const CASE_NAMES = ['Rukhshona Khakimova', 'Ahmad Ibrohimov', 'Daler Imomali', 'Abdullo Ghurbati', 'Zavqibek Saidamini'];
const CASE_NAMES_RU = ['Рухшона Хакимова', 'Ахмад Иброхимов', 'Далер Имомали', 'Абдулло Гурбати', 'Завкибек Саидамини'];

async function created<T = any>(what: string, response: Promise<{ status: number; body: T }>): Promise<T> {
  const { status, body } = await response;
  if (status !== 201) throw new Error(`${what}: ${status} ${JSON.stringify(body)}`);
  return body;
}

/** A coordinator, made by the admin, signed in. */
export async function aCoordinator(api: Api, adminToken: string, label: string): Promise<string> {
  const body = aSupporter({ role: 'coordinator', email: `coordinator-${label}-${Date.now()}@group.example` });
  await created('coordinator', api.post('/api/supporters', body, adminToken));
  return api.login(body.email, body.password);
}

/** `count` launched appeals, each with a case and its timeline, an English and a Russian official, and both default templates. */
export async function aMonth(api: Api, token: string, count: number, label: string): Promise<Month> {
  const defaults = loadDefaultTemplates().filter((template) => template.kind === 'appeal');
  const templates: Record<string, string> = {};
  for (const language of ['en', 'ru']) {
    const template = defaults.find((candidate) => candidate.language === language)!;
    const body = await created('template', api.post('/api/templates', { name: `Appeal (${language})`, kind: 'appeal', language, subject: template.subject, body: template.body }, token));
    templates[language] = body.id;
  }
  const appeals: MonthAppeal[] = [];
  for (let i = 0; i < count; i += 1) {
    const caseName = CASE_NAMES[i % CASE_NAMES.length];
    const caseNameRu = CASE_NAMES_RU[i % CASE_NAMES_RU.length];
    const translations = { ru: { name: caseNameRu, profession: 'журналист', charges: 'Государственная измена (статья 305 Уголовного кодекса)', summary: `${caseNameRu} — журналист.` } };
    const record = await created(
      'case',
      api.post('/api/cases', aCase({ name: caseName, summary: `${caseName} is a journalist.\n\nSentenced after a closed trial <b>in secret</b>.`, gender: i % CASE_NAMES.length === 0 ? 'female' : 'male', translations }), token),
    );
    await created('event', api.post(`/api/cases/${record.id}/events`, { occurredOn: '2024-11-01', kind: 'arrested', description: 'Arrested at home by security services.', sourceUrl: 'https://news.example.org/arrest' }, token));
    await created('event', api.post(`/api/cases/${record.id}/events`, { occurredOn: '2025-02-10', kind: 'sentenced', description: 'Sentenced to 8 years <script>alert(1)</script>' }, token));
    const officials: MonthOfficial[] = [];
    for (const [language, extra] of [
      ['en', { name: `Jane Prosecutor ${i}`, title: 'Prosecutor General', salutation: 'Dear Prosecutor General' }],
      ['ru', { name: `Юсуф Рахмонов ${i}`, title: 'Генеральный прокурор', salutation: 'Уважаемый Генеральный прокурор', organisation: 'Генеральная прокуратура' }],
    ] as const) {
      const body = anOfficial({ ...extra, language, email: `official-${language}-${i}-${label}@gov.example` });
      const official = await created('official', api.post('/api/officials', body, token));
      officials.push({ id: official.id, email: body.email, name: body.name, title: body.title, language });
    }
    const appeal = await created('appeal', api.post('/api/appeals', { caseId: record.id, title: `Free ${caseName}`, templateIds: [templates.en, templates.ru], officialIds: officials.map((o) => o.id) }, token));
    const launched = await api.post(`/api/appeals/${appeal.id}/launch`, undefined, token);
    if (launched.status !== 200) throw new Error(`launch: ${launched.status} ${JSON.stringify(launched.body)}`);
    appeals.push({ appealId: appeal.id, caseId: record.id, caseName, caseNameRu, officials });
  }
  return { templates: { en: templates.en, ru: templates.ru }, appeals };
}

/** A member, created by the coordinator (which confirms them: no signup link to click). */
export async function aMember(api: Api, token: string, overrides: Record<string, unknown> = {}): Promise<Member> {
  const body = aSupporter({ name: 'Jane Quinn Doe', country: 'CA', city: 'Toronto', language: 'en', ...overrides });
  const member = await created('member', api.post('/api/supporters', body, token));
  return { id: member.id, email: body.email, name: body.name };
}

/** A cycle of these appeals, created and (unless told not to) opened by the coordinator through the API. */
export async function aCycle(api: Api, token: string, appealIds: string[], open = true): Promise<string> {
  const cycle = await created('cycle', api.post('/api/cycles', { month: '2025-11', title: 'November letters', appealIds }, token));
  if (open) {
    const opened = await api.post(`/api/cycles/${cycle.id}/open`, undefined, token);
    if (opened.status !== 200) throw new Error(`open cycle: ${opened.status} ${JSON.stringify(opened.body)}`);
  }
  return cycle.id;
}

/** Makes member links as the app does, with the test app's secret. */
export function memberTokens(appSecret: string): MemberTokenService {
  return new MemberTokenService(new JwtService({ secret: appSecret, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } }));
}

/** Text as Handlebars escapes it into a page. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' })[c]!);
}
