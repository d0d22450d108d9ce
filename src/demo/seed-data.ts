/**
 * Data for the demo command: real cases, plausible officials and fictional members.
 *
 * Cases are taken from the documents in shared/seeds/ and from nothing else: where a
 * document gives no day for something (a year, a month, "last week"), it stays out of
 * `detainedOn` and `events` and is told in the summary instead.
 *
 * All five people below were eventually released except Rukhshona Khakimova. So that the
 * demo has appeals worth signing, each older case carries its status as it stood while
 * letters were being written for it (after the arrest or sentence the documents describe),
 * and its timeline stops there. What happened next is in SEED_RELEASES, so the demo can
 * replay a real release (mark the case released -> appeals close -> thank-you letters).
 *
 * Officials' email addresses are all under `.example` domains (RFC 2606): the demo must
 * never be able to mail a real office. Names and titles are the office holders as publicly
 * reported; check them before using any of this for a real campaign.
 */

export type SeedCaseStatus = 'detained' | 'on-trial' | 'sentenced' | 'at-risk' | 'released' | 'deceased';

export interface SeedCaseEvent {
  /** YYYY-MM-DD */
  occurredOn: string;
  kind: string;
  description: string;
  sourceUrl?: string;
}

export interface SeedCase {
  key: string;
  name: string;
  /** ISO 3166-1 alpha-2 */
  country: string;
  profession: string;
  status: SeedCaseStatus;
  summary: string;
  /** YYYY-MM-DD, or null when the documents give no day */
  detainedOn: string | null;
  charges: string | null;
  tags: string[];
  gender: 'female' | 'male';
  /** The Russian letters' words for the case (the Russian template uses name, profession and charges). */
  translations: { ru: { name: string; profession: string; charges?: string } };
  events: SeedCaseEvent[];
  officialKeys: string[];
}

export interface SeedOfficial {
  key: string;
  name: string;
  title: string;
  salutation: string | null;
  organisation: string;
  /** ISO 3166-1 alpha-2 of the state the official serves */
  country: string;
  /** null: this official is written to on paper only. */
  email: string | null;
  /** The address lines as printed, without the country (public addresses of the offices; the demo prints to them, never posts). */
  postalAddress: string | null;
  language: 'en' | 'ru';
  timezone: string;
  maxLettersPerHour: number | null;
}

/** A documented release, kept apart from the case so the demo can play it out. */
export interface SeedRelease {
  caseKey: string;
  /** YYYY-MM-DD */
  occurredOn: string;
  description: string;
}

// Officials writing in Russian get their title, salutation and organisation in Russian,
// because those fields are printed as they are in a Russian letter.
export const SEED_OFFICIALS: SeedOfficial[] = [
  {
    key: 'tj-president',
    name: 'Эмомали Рахмон',
    title: 'Президент Республики Таджикистан',
    salutation: 'Уважаемый господин Президент',
    organisation: 'Исполнительный аппарат Президента Республики Таджикистан',
    country: 'TJ',
    email: 'president@tajikistan-gov.example',
    postalAddress: 'пр. Рудаки, 80\nг. Душанбе, 734023',
    language: 'ru',
    timezone: 'Asia/Dushanbe',
    maxLettersPerHour: null,
  },
  {
    key: 'tj-prosecutor-general',
    name: 'Юсуф Рахмон',
    title: 'Генеральный прокурор Республики Таджикистан',
    salutation: 'Уважаемый господин Генеральный прокурор',
    organisation: 'Генеральная прокуратура Республики Таджикистан',
    country: 'TJ',
    email: 'prosecutor-general@tajikistan-gov.example',
    postalAddress: 'ул. Нуъмонова, 126\nг. Душанбе, 734043',
    language: 'ru',
    timezone: 'Asia/Dushanbe',
    maxLettersPerHour: 200,
  },
  {
    key: 'tj-ambassador-uk',
    name: 'Rukhshona Emomali',
    title: 'Ambassador',
    salutation: 'Your Excellency',
    organisation: 'Embassy of the Republic of Tajikistan in the United Kingdom',
    country: 'TJ',
    email: 'ambassador@tajikistan-embassy-london.example',
    postalAddress: '26–28 Hammersmith Grove\nLondon W6 7BA',
    language: 'en',
    timezone: 'Europe/London',
    maxLettersPerHour: null,
  },
  {
    key: 'uz-president',
    name: 'Shavkat Mirziyoyev',
    title: 'President',
    salutation: 'Dear President',
    organisation: 'Administration of the President of the Republic of Uzbekistan',
    country: 'UZ',
    email: 'president@uzbekistan-gov.example',
    postalAddress: null,
    language: 'en',
    timezone: 'Asia/Tashkent',
    maxLettersPerHour: null,
  },
  {
    key: 'uz-prosecutor-general',
    name: 'Нигматилла Юлдашев',
    title: 'Генеральный прокурор Республики Узбекистан',
    salutation: 'Уважаемый господин Генеральный прокурор',
    organisation: 'Генеральная прокуратура Республики Узбекистан',
    country: 'UZ',
    email: 'prosecutor-general@uzbekistan-gov.example',
    postalAddress: 'ул. Гулямова, 66\nг. Ташкент, 100047',
    language: 'ru',
    timezone: 'Asia/Tashkent',
    maxLettersPerHour: null,
  },
  {
    // No email: letters to the court go on paper, in the month's print run.
    key: 'tj-supreme-court',
    name: 'Шермуҳаммад Шоҳиён',
    title: 'Председатель Верховного суда Республики Таджикистан',
    salutation: 'Уважаемый господин Председатель',
    organisation: 'Верховный суд Республики Таджикистан',
    country: 'TJ',
    email: null,
    postalAddress: 'ул. Ҷ. Расулов, 1\nг. Душанбе, 734025',
    language: 'ru',
    timezone: 'Asia/Dushanbe',
    maxLettersPerHour: null,
  },
];

/** The Tajik cases go by email where the official has an address, else by post (the court). */
const TAJIK_OFFICIALS = ['tj-president', 'tj-prosecutor-general', 'tj-ambassador-uk', 'tj-supreme-court'];
const UZBEK_OFFICIALS = ['uz-president', 'uz-prosecutor-general'];

export const SEED_CASES: SeedCase[] = [
  {
    // Current status as of the latest document (12 May 2025): still imprisoned.
    key: 'rukhshona-khakimova',
    name: 'Rukhshona Khakimova',
    country: 'TJ',
    profession: 'journalist',
    status: 'sentenced',
    summary:
      'Tajik journalist, one of the few women in Tajikistan working openly with independent media, ' +
      'and mother of two young daughters. In June 2024 the General Prosecutor\'s Office opened a ' +
      'high treason case against her; human rights groups link it to a survey on China\'s influence ' +
      'in Tajikistan in which she interviewed people later implicated in an alleged coup case. Before ' +
      'the verdict her movement was restricted and her identity documents confiscated. On 5 February ' +
      '2025, after a closed trial, she was sentenced to eight years in prison and taken into custody ' +
      'in the courtroom; an appeal court upheld the verdict. Human Rights Watch, Reporters Without ' +
      'Borders and the Observatory for the Protection of Human Rights Defenders call for her ' +
      'immediate release.',
    detainedOn: '2025-02-05',
    charges:
      'Complicity in high treason using her official position (Article 305, Part 2, ' +
      'Paragraph "c" of the Criminal Code of Tajikistan)',
    tags: ['journalist', 'press-freedom', 'treason', 'closed-trial', 'mother'],
    gender: 'female',
    translations: { ru: { name: 'Рухшона Хакимова', profession: 'журналист', charges: 'Соучастие в государственной измене с использованием служебного положения (статья 305, часть 2, пункт «в» Уголовного кодекса Таджикистана)' } },
    events: [
      {
        occurredOn: '2025-02-05',
        kind: 'sentenced',
        description:
          'Sentenced to eight years in prison after a closed trial at the Dushanbe detention centre, ' +
          'alongside other defendants in the so-called "coup d\'état case"; the prosecution had asked ' +
          'for 17 years. Taken into custody in the courtroom.',
      },
      {
        occurredOn: '2025-02-13',
        kind: 'statement',
        description:
          'The Chairman of Tajikistan\'s Supreme Court acknowledges public criticism of the verdict but ' +
          'defends it, saying Tajik law does not provide for leniency in cases of "especially grave crimes".',
      },
      {
        occurredOn: '2025-03-03',
        kind: 'statement',
        description:
          'The Observatory for the Protection of Human Rights Defenders calls on the Tajik authorities ' +
          'to release her immediately and unconditionally.',
      },
      {
        occurredOn: '2025-04-22',
        kind: 'transferred',
        description:
          'Transferred from the pre-trial detention centre in Dushanbe to a women\'s correctional ' +
          'facility in Nurek, as a relative learned when trying to deliver a package.',
      },
      {
        occurredOn: '2025-05-03',
        kind: 'appeal',
        description:
          'Her parents, Zokir Khakimov and Makhsuda Sharopova, publish an open letter to President ' +
          'Emomali Rahmon asking him to facilitate her release.',
      },
    ],
    officialKeys: TAJIK_OFFICIALS,
  },
  {
    // Status as of his trial in August 2011, while letters were being sent; released 14 October 2011.
    key: 'urunboy-usmonov',
    name: 'Urunboy Usmonov',
    country: 'TJ',
    profession: 'BBC journalist and novelist',
    status: 'on-trial',
    summary:
      'BBC journalist and novelist, arrested on 13 June 2011 and first charged with participation in ' +
      'Hizb-ut-Tahrir, a banned religious group. The charges were later changed but still implicated ' +
      'him in criminal activities related to banned religious groups, carrying two to five years\' ' +
      'imprisonment, and he was not allowed to leave the country. He maintains that his contact with ' +
      'Hizb-ut-Tahrir was to report on the causes of its growing popularity. Amnesty International ' +
      'maintained that he was innocent and targeted for his legitimate work as a journalist. There are ' +
      'allegations that he was tortured and otherwise ill-treated in detention. His trial took place ' +
      'in August 2011.',
    detainedOn: '2011-06-13',
    charges:
      'Criminal activities related to banned religious groups (initially: participation in ' +
      'Hizb-ut-Tahrir), carrying two to five years\' imprisonment',
    tags: ['journalist', 'writer', 'bbc', 'torture-allegations'],
    gender: 'male',
    translations: { ru: { name: 'Урунбой Усмонов', profession: 'журналист Би-би-си и писатель', charges: 'Преступная деятельность, связанная с запрещёнными религиозными группами (первоначально: участие в «Хизб ут-Тахрир»), наказуемая лишением свободы на срок от двух до пяти лет' } },
    events: [
      {
        occurredOn: '2011-06-13',
        kind: 'arrested',
        description:
          'Arrested and initially charged with participation in Hizb-ut-Tahrir, a banned religious group.',
      },
    ],
    officialKeys: TAJIK_OFFICIALS,
  },
  {
    // Status as of his arrest in 2001; the document reports his release on 29 December 2011.
    key: 'yusuf-dzhumaev',
    name: 'Yusuf Dzhumaev',
    country: 'UZ',
    profession: 'poet',
    status: 'detained',
    summary:
      'Uzbek poet and father of six from Karakul district, Bukhara region. Officers of the National ' +
      'Security Service (SNB) arrested him at his home on 23 October 2001 and confiscated his poems, ' +
      'his daughter\'s poems and books by Uzbek writers. He was detained on accusations by relatives ' +
      'that he had published and distributed materials and poems calling for holy jihad; the SNB ' +
      'reportedly linked the arrest to the publication of his poems on a Muslim website the ' +
      'authorities considered subversive. He was reportedly tortured in the basement of the SNB ' +
      'detention facility in Bukhara. Independent human rights organisations in Uzbekistan believe ' +
      'he was arrested because he had openly criticised officials in Karakul district and accused ' +
      'some of them of corruption.',
    detainedOn: '2001-10-23',
    charges: 'Undermining the constitutional order (as reported)',
    tags: ['poet', 'writer', 'torture-allegations', 'anti-corruption'],
    gender: 'male',
    translations: { ru: { name: 'Юсуф Джумаев', profession: 'поэт', charges: 'Посягательство на конституционный строй (по имеющимся сведениям)' } },
    events: [
      {
        occurredOn: '2001-10-23',
        kind: 'arrested',
        description:
          'Arrested at his home by officers of the National Security Service (SNB), who confiscated his ' +
          'poems, his daughter\'s poems and books by Uzbek writers.',
      },
    ],
    officialKeys: UZBEK_OFFICIALS,
  },
  {
    // Status as of Write for Rights 2014, serving his sentence; released early in August 2017.
    // The documents give no day for his arrest or sentence, so he has no dated events here.
    key: 'erkin-musaev',
    name: 'Erkin Musaev',
    country: 'UZ',
    profession: 'former government official and UN employee',
    status: 'sentenced',
    summary:
      'Former Uzbekistani government official and UN employee. In 2007, after a series of grossly ' +
      'unfair trials, he was sentenced to 20 years in prison, accused of spying for an unnamed NATO ' +
      'member state and of misusing UN funds. He was tortured, and his conviction was based on a ' +
      'confession he was forced to sign after security service officers threatened his family. In ' +
      'Write for Rights 2014, Amnesty International supporters sent 427,000 messages of solidarity ' +
      'demanding his release.',
    detainedOn: null,
    charges: 'Spying for an unnamed NATO member state; misusing UN funds',
    tags: ['torture', 'forced-confession', 'unfair-trial', 'write-for-rights'],
    gender: 'male',
    translations: { ru: { name: 'Эркин Мусаев', profession: 'бывший государственный служащий и сотрудник ООН', charges: 'Шпионаж в пользу неназванного государства — члена НАТО; нецелевое использование средств ООН' } },
    events: [],
    officialKeys: UZBEK_OFFICIALS,
  },
  {
    // Status before his release on 22 February 2017, after 17 years in prison.
    // The documents give the year of his arrest (1999) but no day.
    key: 'muhammad-bekzhanov',
    name: 'Muhammad Bekzhanov',
    country: 'UZ',
    profession: 'journalist, editor of the banned newspaper Erk',
    status: 'sentenced',
    summary:
      'Uzbekistani journalist, editor of the banned newspaper Erk and brother of Muhammad Salih, ' +
      'leader of the opposition People\'s Movement of Uzbekistan; he had faced harassment by the ' +
      'authorities for both. Arrested in 1999 and accused of involvement in a series of terrorist attacks ' +
      'committed in Tashkent in February that year. His prison sentence was handed down after an unfair ' +
      'trial and severe torture, and was arbitrarily extended: he became one of the world\'s ' +
      'longest-imprisoned journalists.',
    detainedOn: null,
    charges: 'Involvement in a series of terrorist attacks in Tashkent in February 1999',
    tags: ['journalist', 'press-freedom', 'torture', 'opposition-family'],
    gender: 'male',
    translations: { ru: { name: 'Мухаммад Бекжанов', profession: 'журналист, редактор запрещённой газеты «Эрк»', charges: 'Причастность к серии терактов в Ташкенте в феврале 1999 года' } },
    events: [],
    officialKeys: UZBEK_OFFICIALS,
  },
];

export const SEED_RELEASES: SeedRelease[] = [
  {
    caseKey: 'urunboy-usmonov',
    occurredOn: '2011-10-14',
    description:
      'Found guilty after a lengthy trial but released from the charges by the judge; freed after a ' +
      'national and international outcry, including letters of concern sent since about July 2011.',
  },
  {
    caseKey: 'yusuf-dzhumaev',
    occurredOn: '2011-12-29',
    description: 'Released.',
  },
  {
    caseKey: 'muhammad-bekzhanov',
    occurredOn: '2017-02-22',
    description: 'Released after 17 years in prison, one of the world\'s longest-imprisoned journalists.',
  },
  {
    // The release itself was "last week" in a report of 22 August 2017; that report's date is used.
    caseKey: 'erkin-musaev',
    occurredOn: '2017-08-22',
    description:
      'Amnesty International reports his early release from prison the week before and publishes ' +
      'his letter of thanks to the activists who wrote for him.',
  },
];

// Fictional members for the demo (emails are member<N>@members.example); a mix of origins
// so that signatures, initials and "a supporter from ..." all get exercised.
export const DEMO_FIRST_NAMES: string[] = [
  'Amina', 'Kwame', 'Sofia', 'Mateo', 'Yuki', 'Priya', 'Arjun', 'Leila', 'Omar', 'Ingrid',
  'Lars', 'Chloé', 'Lucas', 'Mei', 'Wei', 'Fatima', 'Tariq', 'Olga', 'Dmitri', 'Ana',
  'João', 'Aisha', 'Emeka', 'Zanele', 'Thabo', 'Hana', 'Jiho', 'Noa', 'Elif', 'Mehmet',
  'Siobhan', 'Liam', 'Camila', 'Diego', 'Anahita', 'Dariush', 'Nilufar', 'Timur', 'Grace', 'Samuel',
];

export const DEMO_LAST_NAMES: string[] = [
  'Okafor', 'Mensah', 'Rossi', 'García', 'Tanaka', 'Sharma', 'Patel', 'Haddad', 'Farouk', 'Johansson',
  'Nielsen', 'Dubois', 'Martin', 'Chen', 'Wang', 'Benali', 'Khan', 'Kovalenko', 'Silva', 'Santos',
  'Diallo', 'Nwosu', 'Dlamini', 'Ndlovu', 'Kim', 'Park', 'Cohen', 'Yılmaz', 'Demir', "O'Brien",
  'Murphy', 'Hernández', 'López', 'Karimi', 'Mwangi', 'Nowak', 'Bergström', 'Nakamura', 'Osei', 'Tesfaye',
];

export const DEMO_CITIES: { city: string; country: string }[] = [
  { city: 'Toronto', country: 'CA' },
  { city: 'Montréal', country: 'CA' },
  { city: 'London', country: 'GB' },
  { city: 'Manchester', country: 'GB' },
  { city: 'Dublin', country: 'IE' },
  { city: 'Paris', country: 'FR' },
  { city: 'Berlin', country: 'DE' },
  { city: 'Amsterdam', country: 'NL' },
  { city: 'Oslo', country: 'NO' },
  { city: 'Stockholm', country: 'SE' },
  { city: 'Warsaw', country: 'PL' },
  { city: 'Madrid', country: 'ES' },
  { city: 'Lisbon', country: 'PT' },
  { city: 'Rome', country: 'IT' },
  { city: 'Istanbul', country: 'TR' },
  { city: 'Nairobi', country: 'KE' },
  { city: 'Lagos', country: 'NG' },
  { city: 'Accra', country: 'GH' },
  { city: 'Johannesburg', country: 'ZA' },
  { city: 'São Paulo', country: 'BR' },
  { city: 'Buenos Aires', country: 'AR' },
  { city: 'Mexico City', country: 'MX' },
  { city: 'New York', country: 'US' },
  { city: 'Seoul', country: 'KR' },
  { city: 'Tokyo', country: 'JP' },
  { city: 'Mumbai', country: 'IN' },
  { city: 'Sydney', country: 'AU' },
  { city: 'Wellington', country: 'NZ' },
];
