import { BENCH_TEMPLATE, QalamApi } from './qalam-api';

/**
 * What the console bench builds through the API before any member exists, as coordinators
 * would: cases with their timelines, officials (some paced, some with office hours),
 * templates (some edited, so they have versions), staff accounts, and appeals. Every name is
 * fictional and every address under `.example`: the bench never writes about or to a real person.
 */
export interface ConsoleCampaign {
  caseIds: string[];
  officialIds: string[];
  templateIds: string[];
  coordinatorIds: string[];
  /** The five appeals that get letters, in the order they are launched (A first, before most members joined). */
  lettered: { a: string; b: string; c: string; d: string; e: string };
  /** Officials of each lettered appeal: 2, 4, 3, 3, 2 (see LETTERS_PER_MEMBER). */
  officialsOf: Record<'a' | 'b' | 'c' | 'd' | 'e', string[]>;
  /** Appeals still being drafted. */
  draftIds: string[];
}

const CASES = 40;
const OFFICIALS = 30;
const EVENTS_PER_CASE = 3;
const DRAFTS = 5;

const GIVEN = ['Dilnoza', 'Aziz', 'Malika', 'Rustam', 'Gulnora', 'Farhod', 'Zarina', 'Bakhtiyor', 'Nodira', 'Timur'];
const FAMILY = ['Rahimova', 'Karimov', 'Yusupova', 'Saidov', 'Nazarova', 'Tursunov', 'Aliyeva', 'Mirzaev'];
const COUNTRIES = ['UZ', 'TJ', 'TM', 'AZ', 'BY', 'KZ', 'KG', 'RU'];
const STATUSES = ['detained', 'on-trial', 'sentenced', 'at-risk', 'detained', 'sentenced'];
const PROFESSIONS = ['journalist', 'poet', 'human rights defender', 'lawyer', 'blogger', 'teacher'];
const EVENT_KINDS = ['arrest', 'hearing', 'transfer', 'sentence', 'visit'];

function caseBody(index: number) {
  const female = index % 2 === 0;
  const given = GIVEN[index % GIVEN.length];
  const family = FAMILY[(index * 3) % FAMILY.length];
  return {
    name: `${given} ${family}${index >= GIVEN.length ? ` ${index}` : ''}`,
    country: COUNTRIES[index % COUNTRIES.length],
    profession: PROFESSIONS[index % PROFESSIONS.length],
    status: STATUSES[index % STATUSES.length],
    summary: `A fictional ${PROFESSIONS[index % PROFESSIONS.length]}, detained after writing about local officials (benchmark data, case ${index + 1}).`,
    detainedOn: `202${index % 5}-0${1 + (index % 9)}-1${index % 9}`,
    charges: 'Dissemination of false information; hooliganism',
    tags: ['bench', index % 3 === 0 ? 'press' : 'speech'],
    gender: female ? 'female' : 'male',
    // The case of appeal B has a Russian template too: its launch needs these.
    ...(index === 1
      ? { translations: { ru: { name: 'Азиз Каримов', profession: 'поэт', summary: 'Вымышленный поэт, задержанный после публикации стихов (данные бенчмарка).', charges: 'Распространение ложной информации' } } }
      : {}),
  };
}

function officialBody(index: number) {
  return {
    name: `Official ${index + 1}`,
    title: ['Prosecutor General', 'Minister of Justice', 'Ombudsperson', 'Head of the Penitentiary Service', 'Ambassador'][index % 5],
    salutation: 'Dear Sir or Madam',
    organisation: `Office ${index + 1}`,
    country: COUNTRIES[index % COUNTRIES.length],
    email: `official${index + 1}@officials.example`,
    ...(index % 4 === 0 ? { postalAddress: `Office ${index + 1}\n${index + 1} Independence Street\nCapital 1000${index % 10}` } : {}),
    language: index % 3 === 2 ? 'ru' : 'en',
    timezone: 'Asia/Tashkent',
    ...(index % 3 === 0 ? { maxLettersPerHour: 200 + index } : {}),
    ...(index % 5 === 1 ? { officeHoursStart: '09:00', officeHoursEnd: '18:00', officeDays: [1, 2, 3, 4, 5] } : {}),
  };
}

/** The Russian appeal of case B: its launch checks the case's translations. */
const RUSSIAN_TEMPLATE = {
  name: 'Bench appeal (ru)',
  kind: 'appeal',
  language: 'ru',
  subject: 'Обращение в защиту {{case.name}}',
  body: `{{official.salutation}},

Я пишу, чтобы выразить глубокую обеспокоенность судьбой {{case.name}} ({{case.profession}}). Прошу немедленно и безоговорочно освободить {{case.name}}.
{{#if note}}

{{note}}
{{/if}}

С уважением,
{{supporter.signature}}
`,
};

export async function createConsoleCampaign(api: QalamApi, coordinatorPassword: string): Promise<ConsoleCampaign> {
  const caseIds: string[] = [];
  for (let index = 0; index < CASES; index += 1) {
    const record = await api.post<{ id: string }>('/api/cases', caseBody(index));
    caseIds.push(record.id);
    for (let event = 0; event < EVENTS_PER_CASE; event += 1) {
      await api.post(`/api/cases/${record.id}/events`, {
        occurredOn: `2024-0${1 + event * 3}-1${index % 9}`,
        kind: EVENT_KINDS[(index + event) % EVENT_KINDS.length],
        description: `A fictional ${EVENT_KINDS[(index + event) % EVENT_KINDS.length]} (benchmark data).`,
        sourceUrl: `https://news.example/cases/${index + 1}/${event + 1}`,
      });
    }
  }
  const officialIds: string[] = [];
  for (let index = 0; index < OFFICIALS; index += 1) officialIds.push((await api.post<{ id: string }>('/api/officials', officialBody(index))).id);

  const templateIds: string[] = [];
  for (const letter of ['a', 'b', 'c', 'd', 'e']) {
    const template = await api.post<{ id: string }>('/api/templates', { ...BENCH_TEMPLATE, name: `Bench appeal ${letter.toUpperCase()} (en)` });
    templateIds.push(template.id);
  }
  const russian = await api.post<{ id: string }>('/api/templates', RUSSIAN_TEMPLATE);
  templateIds.push(russian.id);
  // Two edits of the text: the template has three versions, as a template coordinators reworked.
  for (const edit of [1, 2]) await api.patch(`/api/templates/${templateIds[1]}`, { body: `${BENCH_TEMPLATE.body}\n(revision ${edit})\n` });

  const coordinatorIds: string[] = [];
  for (let index = 1; index <= 3; index += 1) {
    const coordinator = await api.post<{ id: string }>('/api/supporters', {
      email: `coordinator${index}@qalam-bench.example`,
      name: `Coordinator ${index}`,
      country: 'GB',
      role: 'coordinator',
      password: coordinatorPassword,
    });
    coordinatorIds.push(coordinator.id);
  }

  const officialsOf = {
    a: officialIds.slice(0, 2),
    b: officialIds.slice(2, 6),
    c: officialIds.slice(6, 9),
    d: officialIds.slice(9, 12),
    e: officialIds.slice(12, 14),
  };
  const appeal = async (caseIndex: number, title: string, templates: string[], officials: string[], deadline?: string) =>
    (await api.post<{ id: string }>('/api/appeals', { caseId: caseIds[caseIndex], title, templateIds: templates, officialIds: officials, ...(deadline ? { deadline } : {}) })).id;
  const lettered = {
    a: await appeal(0, `Free ${caseBody(0).name}`, [templateIds[0]], officialsOf.a),
    b: await appeal(1, `Free ${caseBody(1).name}`, [templateIds[1], russian.id], officialsOf.b, '2030-12-31'),
    c: await appeal(2, `Justice for ${caseBody(2).name}`, [templateIds[2]], officialsOf.c),
    d: await appeal(3, `Free ${caseBody(3).name}`, [templateIds[3]], officialsOf.d, '2030-06-30'),
    e: await appeal(4, `Medical care for ${caseBody(4).name}`, [templateIds[4]], officialsOf.e),
  };
  const draftIds: string[] = [];
  for (let index = 0; index < DRAFTS; index += 1) {
    draftIds.push(await appeal(5 + index, `Draft appeal for ${caseBody(5 + index).name}`, [templateIds[index % 5]], officialIds.slice(14 + index * 2, 16 + index * 2)));
  }
  return { caseIds, officialIds, templateIds, coordinatorIds, lettered, officialsOf, draftIds };
}
