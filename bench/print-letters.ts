import type { ContextParts } from '../src/templates/letter-context';
import type { LetterParts, LetterRendererService, RenderableTemplate } from '../src/templates/letter-renderer.service';
import type { PrintedLetter } from '../src/printing/letters-pdf';
import type { SignatureStyle } from '../src/supporters/supporter.entity';
import type { Qalam } from './print-qalam';

/*
 * The print run's letters: cases, officials, supporters and notes mixed by the letter's
 * number, so every run (and both children of a round) prints the same letters. English and
 * Russian officials, Tajik names (ӣ ӯ қ ғ ҳ ҷ) in the cases' and officials' data, signature
 * styles full, initials and anonymous, and a note on one letter in five.
 */

type Official = ContextParts['official'] & { postalAddress: string; country: string };

const OFFICIALS: readonly Official[] = [
  {
    name: 'Mr Yusuf Rahmon',
    title: 'Prosecutor General of the Republic of Tajikistan',
    salutation: 'Dear Prosecutor General',
    organisation: 'General Prosecutor’s Office (Прокуратураи генералӣ)',
    postalAddress: '126 Nabiev Street\nDushanbe 734043',
    country: 'TJ',
    language: 'en',
  },
  { name: 'Mr Muzaffar Ashuriyon', title: 'Minister of Justice', salutation: null, organisation: 'Ministry of Justice', postalAddress: '25 Rudaki Avenue\nDushanbe 734025', country: 'TJ', language: 'en' },
  { name: 'H.E. Mr Sirojiddin Muhriddin', title: 'Minister of Foreign Affairs', salutation: 'Your Excellency', organisation: null, postalAddress: '33 Sheroz Street\nDushanbe 734051', country: 'TJ', language: 'en' },
  { name: 'Mr Ousmane Diagne', title: 'Minister of Justice', salutation: null, organisation: 'Ministère de la Justice', postalAddress: 'Building Administratif Mamadou Dia\nDakar', country: 'SN', language: 'en' },
  {
    name: 'Ю. Раҳмон',
    title: 'Генеральный прокурор Республики Таджикистан',
    salutation: 'Уважаемый господин Генеральный прокурор',
    organisation: 'Прокуратураи генералии Ҷумҳурии Тоҷикистон',
    postalAddress: '734043, г. Душанбе\nул. Набиева, 126',
    country: 'TJ',
    language: 'ru',
  },
  { name: 'Умед Бобозода', title: 'Уполномоченный по правам человека', salutation: null, organisation: 'Дастгоҳи Ваколатдор оид ба ҳуқуқи инсон', postalAddress: '734025, г. Душанбе\nпр. Рудаки, 25', country: 'TJ', language: 'ru' },
  { name: 'Т. Н. Москалькова', title: 'Уполномоченный по правам человека в Российской Федерации', salutation: 'Уважаемая Татьяна Николаевна', organisation: null, postalAddress: 'ул. Мясницкая, 47\nМосква, 101000', country: 'RU', language: 'ru' },
];

type Case = ContextParts['case'];

const CASES: readonly Case[] = [
  {
    name: 'Rukhshona Hakimova',
    country: 'TJ',
    profession: 'journalist',
    status: 'detained',
    summary: 'A journalist held for her reporting.',
    charges: 'treason',
    detainedOn: '2024-02-17',
    gender: 'female',
    translations: { ru: { name: 'Рухшона Ҳакимова', profession: 'журналист', summary: 'Журналист, задержанная за свои публикации.', charges: 'государственная измена' } },
  },
  {
    name: 'Daler Imomali',
    country: 'TJ',
    profession: 'blogger',
    status: 'detained',
    summary: 'A blogger who wrote about corruption.',
    charges: 'extortion and spreading false information',
    detainedOn: '2022-06-15',
    gender: 'male',
    translations: { ru: { name: 'Далер Имомалӣ', profession: 'блогер', summary: 'Блогер, писавший о коррупции.', charges: 'вымогательство и распространение ложной информации' } },
  },
  {
    name: 'Ghulomjon Qurbonov',
    country: 'TJ',
    profession: 'lawyer',
    status: 'detained',
    summary: 'A lawyer who defended political prisoners.',
    charges: null,
    detainedOn: '2023-11-03',
    gender: 'male',
    translations: { ru: { name: 'Ғуломҷон Қурбонов', profession: 'адвокат', summary: 'Адвокат, защищавший политических заключённых.' } },
  },
  {
    name: 'Zarafshon Sūfieva',
    country: 'TJ',
    profession: null,
    status: 'detained',
    summary: 'A poet detained after a reading.',
    charges: 'hooliganism',
    detainedOn: null,
    gender: null,
    translations: { ru: { name: 'Зарафшон Сӯфиева', summary: 'Поэтесса, задержанная после чтения стихов.', charges: 'хулиганство' } },
  },
];

const SUPPORTERS: readonly { name: string; city: string | null; country: string }[] = [
  { name: 'Amina Okafor', city: 'Lagos', country: 'NG' },
  { name: 'Jean-Luc Moreau', city: 'Lyon', country: 'FR' },
  { name: 'Ҷамшед Қодиров', city: 'Худжанд', country: 'TJ' },
  { name: 'Anna Schmidt', city: null, country: 'DE' },
  { name: 'Зарина Ғафурова', city: 'Москва', country: 'RU' },
  { name: 'María José García', city: 'Sevilla', country: 'ES' },
  { name: 'Фарруҳ Ӯроқов', city: null, country: 'TJ' },
  { name: 'Olumide Adeyemi', city: 'Toronto', country: 'CA' },
  { name: 'Sophie Martin', city: 'Bruxelles', country: 'BE' },
  { name: 'Li Wei', city: null, country: 'ZZ' },
  { name: 'Тимур Назаров', city: 'Санкт-Петербург', country: 'RU' },
];

const STYLES: readonly SignatureStyle[] = ['full', 'initials', 'full', 'anonymous'];

const NOTES: readonly string[] = [
  'Please allow her family to visit her, and let her see a doctor of her choosing.',
  'Озодӣ барои ҳамаи маҳбусони сиёсӣ! Прошу Вас разрешить свидания с семьёй.',
  'I have followed this case since the first hearing. Every week without a fair trial is a week too many.',
  'Прошу Вас обеспечить доступ к адвокату. Мы помним о нём каждый день.',
];

const DAYS = ['2026-12-01', '2026-12-02', '2026-12-03'];

/** The letter's id: a UUID shape made from its number, so a manifest row names its letter. */
export function letterId(index: number): string {
  return `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

/** Letter `index` of the run: what it is rendered from, and to whom it goes. */
export function letterInputs(index: number): { official: Official; parts: LetterParts; date: string } {
  const official = OFFICIALS[index % OFFICIALS.length];
  const supporter = SUPPORTERS[Math.floor(index / OFFICIALS.length) % SUPPORTERS.length];
  const date = DAYS[Math.floor(index / 1000) % DAYS.length];
  return {
    official,
    date,
    parts: {
      case: CASES[Math.floor(index / 3) % CASES.length],
      official,
      supporter: { ...supporter, signatureStyle: STYLES[index % STYLES.length] },
      note: index % 5 === 2 ? NOTES[Math.floor(index / 5) % NOTES.length] : null,
      appealTitle: 'December appeal',
      date: new Date(`${date}T00:00:00Z`),
    },
  };
}

/** The default appeal templates (templates/<language>/appeal.hbs), as the renderer takes them. */
export function defaultAppealTemplates(qalam: Qalam, dir: string): RenderableTemplate[] {
  return qalam.defaultTemplates
    .loadDefaultTemplates(dir)
    .filter((template) => template.kind === 'appeal')
    .map((template) => ({ ...template, id: `default/${template.kind}/${template.language}`, version: 1 }));
}

/**
 * The run's letters one at a time, each rendered through qalam's one road (the template for
 * the official's language) and made a PrintedLetter as PrintRunRenderer makes it: what the
 * template writes itself (`{{date}}`, `{{note}}`, `{{supporter.signature}}`) from its
 * variables, once per template; the note passed as the letter's; the letterhead's sender
 * named from the signature.
 */
export async function* renderedLetters(count: number, qalam: Qalam, renderer: LetterRendererService, templates: readonly RenderableTemplate[], orgName: string): AsyncGenerator<PrintedLetter> {
  const writtenOf = new Map<string, PrintedLetter['written']>();
  for (let index = 0; index < count; index++) {
    const { official, parts, date } = letterInputs(index);
    const rendered = renderer.renderFor(templates, official.language, parts);
    if (!rendered) throw new Error(`no template for letter ${index}`);
    const key = `${rendered.template.id}/${rendered.template.version}`;
    let written = writtenOf.get(key);
    if (!written) {
      const variables = qalam.templateEngine.templateVariables(rendered.template.kind, rendered.template.subject, rendered.template.body);
      written = { date: variables.has('date'), note: variables.has('note'), signature: variables.has('supporter.signature') };
      writtenOf.set(key, written);
    }
    const signature = rendered.context.supporter.signature;
    yield {
      id: letterId(index),
      date,
      language: rendered.language,
      subject: rendered.subject,
      body: rendered.body,
      signature,
      note: parts.note,
      sender: qalam.letterContext.senderName(rendered.language, signature, orgName),
      written,
      official: { name: official.name, title: official.title, organisation: official.organisation, postalAddress: official.postalAddress, country: official.country },
    };
  }
}
