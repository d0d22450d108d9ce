import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppealStatus } from '../appeals/appeal.entity';
import type { CaseGender, CaseStatus, CaseTranslations } from '../cases/case.entity';
import { isDomainError, NotFoundError } from '../common/errors';
import { CyclesService } from '../cycles/cycles.service';
import type { LetterStatus } from '../letters/letter.entity';
import type { MemberTokenClaims } from '../supporters/member-token.service';
import { SIGNATURE_STYLES, SignatureStyle } from '../supporters/supporter.entity';
import type { ContextParts } from '../templates/letter-context';
import { supporterSignature } from '../templates/letter-context';
import { AppealTemplate, LetterPreviewsService } from './letter-previews.service';
import { choiceFor, NOTE_MAX_LENGTH, SignFormProblem, SignRequest } from './sign-form';
import { caseFieldsIn } from '../cases/case-translations';
import { Catalogue, catalogueOf } from '../common/i18n/messages';
import { caseStatusLabel, countryLabel, dayLabel, dayOf, languageName, letterStatusLabel, monthLabel, paragraphs, signatureStyleLabel, webLink } from './view-format';

/*
 * The read side of the members' month, straight from the schema (cycles, cycle_appeals,
 * appeals, cases, case_events, officials, templates, signatures, letters), plus signing
 * through CyclesService.sign (AppealsService.sign for an appeal of the cycle, for a member
 * who may still sign). A page is a handful of queries run at once, all keyed by the cycle
 * and the member, then letters rendered with templates compiled once. (CyclesService.forMember
 * does not carry the template texts nor the officials' salutations, which the exact letters
 * need: the page reads its own.)
 */

type CycleStatus = 'draft' | 'open' | 'closed';

interface SupporterRow {
  id: string;
  name: string;
  country: string;
  city: string | null;
  language: string;
  signature_style: SignatureStyle;
  active: boolean;
}

interface CycleRow {
  id: string;
  month: string;
  title: string;
  status: CycleStatus;
}

interface AppealRow {
  id: string;
  title: string;
  status: AppealStatus;
  case_id: string;
  case_name: string;
  case_country: string;
  case_profession: string | null;
  case_status: CaseStatus;
  case_summary: string;
  case_detained_on: string | null;
  case_charges: string | null;
  case_gender: CaseGender | null;
  case_translations: CaseTranslations;
}

interface EventRow {
  id: string;
  case_id: string;
  occurred_on: string;
  kind: string;
  description: string;
  source_url: string | null;
}

interface OfficialRow {
  appeal_id: string;
  id: string;
  name: string;
  title: string;
  salutation: string | null;
  organisation: string | null;
  language: string;
}

interface TemplateRow extends AppealTemplate {
  appeal_id: string;
}

interface SignatureRow {
  appeal_id: string;
  note: string | null;
  signature_style: SignatureStyle;
  created_at: Date;
  letters: { officialId: string; status: LetterStatus }[];
}

/** Everything one signing page needs. */
interface CycleData {
  supporter: SupporterRow;
  cycle: CycleRow;
  appeals: AppealRow[];
  events: EventRow[];
  officials: OfficialRow[];
  templates: TemplateRow[];
  signatures: SignatureRow[];
}

export interface LetterView {
  /** The first letter of an appeal is shown open, the others folded. */
  open: boolean;
  to: string;
  organisation: string | null;
  language: string;
  languageName: string;
  subject: string;
  body: string;
  /** When the letter cannot be rendered (the worker would fail it the same way). */
  error: string | null;
  /** The same letter in the member's language, when the official's differs. */
  translation: { language: string; languageName: string; subject: string; body: string } | null;
  /** Said instead, when the appeal has no template in the member's language. */
  noTranslation: string | null;
}

export interface AppealView {
  id: string;
  number: number;
  total: number;
  headingId: string;
  title: string;
  caseName: string;
  countryName: string;
  profession: string | null;
  /** Set when the summary is not in the page's language (no translation): its own language, for `lang`. */
  summaryLanguage: string | null;
  statusLabel: string;
  /** Detention date and charges, when known. */
  facts: { label: string; value: string }[];
  summary: string[];
  /** No photo column yet: always null, and the view shows none. */
  photo: { url: string; alt: string } | null;
  timeline: { date: string; dateLabel: string; kind: string; description: string; source: { href: string; host: string } | null }[];
  letters: LetterView[];
  signed: { dayLabel: string; styleLabel: string; note: string | null; letters: { to: string; statusLabel: string; status: LetterStatus }[] } | null;
  /** The form fields, when this appeal can be signed now. */
  form: {
    noteName: string;
    noteId: string;
    noteHintId: string;
    note: string;
    noteMaxLength: number;
    noteMaxLengthLabel: string;
    styleName: string;
    styles: { id: string; value: SignatureStyle; label: string; example: string; checked: boolean }[];
  } | null;
  /** Why this appeal takes no signature, when it does not and is not signed. */
  closedMessage: string | null;
  problems: string[];
}

export interface SigningPage {
  /** The member's language: the page's words. */
  language: string;
  formAction: string;
  lettersUrl: string;
  cycleTitle: string;
  month: string;
  memberName: string;
  appeals: AppealView[];
  signedCount: number;
  signableCount: number;
  /** "Sign all" is offered when more than one letter is left. */
  offerSignAll: boolean;
  problems: { message: string; href: string }[];
}

export interface ConfirmationPage {
  language: string;
  pageUrl: string;
  lettersUrl: string;
  cycleTitle: string;
  signedNow: number;
  summary: string;
  appeals: {
    caseName: string;
    title: string;
    outcome: string;
    note: string | null;
    styleLabel: string | null;
    letters: { to: string; organisation: string | null; languageName: string; statusLabel: string }[];
  }[];
}

export interface HistoryPage {
  language: string;
  pageUrl: string;
  total: number;
  summary: string;
  /** Said when older letters are left out. */
  truncated: string | null;
  cases: { name: string; letters: { appealTitle: string; to: string; organisation: string | null; languageName: string; status: LetterStatus; statusLabel: string; dayLabel: string }[] }[];
}

/** A sign link that opens no page: its member or cycle is gone. */
export class SignLinkGoneError extends NotFoundError {
  constructor() {
    super('Sign link');
  }
}

const SIGNABLE: readonly AppealStatus[] = ['open', 'paused'];
const HISTORY_LIMIT = 500;

@Injectable()
export class SigningService {
  private readonly logger = new Logger(SigningService.name);

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(CyclesService) private readonly cycles: CyclesService,
    @Inject(LetterPreviewsService) private readonly previews: LetterPreviewsService,
  ) {}

  /** The month's page; `submitted` brings back what a refused post held, with its problems. */
  async page(token: string, claims: MemberTokenClaims, submitted?: { request: SignRequest; problems: SignFormProblem[] }): Promise<SigningPage> {
    // The backend's rule for who may use a sign link (a reachable member, an open cycle),
    // checked alongside the reads.
    const [, data] = await Promise.all([this.cycles.memberOfSignLink(token), this.load(claims)]);
    const { supporter, cycle } = data;
    const signatures = new Map(data.signatures.map((signature) => [signature.appeal_id, signature]));
    const total = data.appeals.length;
    const problems = submitted?.problems ?? [];
    const language = supporter.language;
    const messages = catalogueOf(language);

    const appeals = data.appeals.map((appeal, index): AppealView => {
      const officials = data.officials.filter((official) => official.appeal_id === appeal.id);
      const templates = data.templates.filter((template) => template.appeal_id === appeal.id);
      const signature = signatures.get(appeal.id) ?? null;
      const signable = signature === null && SIGNABLE.includes(appeal.status);
      const choice = submitted ? choiceFor(submitted.request, appeal.id) : { note: null, signatureStyle: null };
      const style = signature?.signature_style ?? choice.signatureStyle ?? supporter.signature_style;
      const events = data.events.filter((event) => event.case_id === appeal.case_id);
      const headingId = `appeal-${index + 1}`;
      const own = caseInLanguage(appeal, language);
      return {
        id: appeal.id,
        number: index + 1,
        total,
        headingId,
        title: appeal.title,
        caseName: own.name,
        countryName: countryLabel(appeal.case_country, language),
        profession: own.profession,
        summaryLanguage: own.summaryLanguage,
        statusLabel: caseStatusLabel(appeal.case_status, language),
        facts: [
          ...(appeal.case_detained_on ? [{ label: messages.t('appeal.detained'), value: dayLabel(appeal.case_detained_on, language) }] : []),
          ...(own.charges ? [{ label: messages.t('appeal.charges'), value: own.charges }] : []),
        ],
        summary: paragraphs(own.summary),
        photo: null,
        timeline: events.map((event) => ({
          date: event.occurred_on,
          dateLabel: dayLabel(event.occurred_on, language),
          kind: event.kind,
          description: event.description,
          source: webLink(event.source_url),
        })),
        letters: officials.map((official, officialIndex) =>
          this.letterView(appeal, official, templates, supporter, signature ? { note: signature.note, style: signature.signature_style } : { note: null, style }, officialIndex === 0, messages),
        ),
        signed: signature
          ? {
              dayLabel: dayOf(signature.created_at, language),
              styleLabel: signatureStyleLabel(signature.signature_style, language),
              note: signature.note,
              letters: signature.letters.map((letter) => {
                const official = officials.find((candidate) => candidate.id === letter.officialId);
                return { to: official ? addressee(official) : messages.t('sign.anOfficial'), statusLabel: letterStatusLabel(letter.status, language), status: letter.status };
              }),
            }
          : null,
        form: signable
          ? {
              noteName: `note[${appeal.id}]`,
              noteId: `note-${index + 1}`,
              noteHintId: `note-hint-${index + 1}`,
              note: choice.note ?? '',
              noteMaxLength: NOTE_MAX_LENGTH,
              noteMaxLengthLabel: NOTE_MAX_LENGTH.toLocaleString(language),
              styleName: `signatureStyle[${appeal.id}]`,
              styles: SIGNATURE_STYLES.map((value) => ({
                id: `style-${index + 1}-${value}`,
                value,
                label: signatureStyleLabel(value, language),
                example: supporterSignature(language, value, supporter.name, supporter.country),
                checked: value === style,
              })),
            }
          : null,
        closedMessage: signature || signable ? null : closedMessageFor(appeal, own.name, messages),
        problems: problems.filter((problem) => problem.appealId === appeal.id).map((problem) => messages.t(problem.key, problem.params)),
      };
    });

    const signableCount = appeals.filter((appeal) => appeal.form !== null).length;
    return {
      language,
      formAction: `/sign/${token}`,
      lettersUrl: `/sign/${token}/letters`,
      cycleTitle: cycle.title,
      month: monthLabel(cycle.month, language),
      memberName: supporter.name,
      appeals,
      signedCount: data.signatures.length,
      signableCount,
      offerSignAll: signableCount > 1,
      problems: problems.map((problem) => {
        const appeal = appeals.find((candidate) => candidate.id === problem.appealId);
        const message = messages.t(problem.key, problem.params);
        return { message: appeal ? `${appeal.caseName}: ${message}` : message, href: appeal?.form ? `#${appeal.form.noteId}` : '#letters' };
      }),
    };
  }

  /**
   * Signs what the member chose, one appeal at a time through CyclesService.sign (which
   * creates and enqueues the letters), and tells what went where. Signing twice is harmless:
   * the same signature comes back and no letter is added. Returns the problems instead when
   * the request names an appeal that is not part of the cycle.
   */
  async sign(token: string, claims: MemberTokenClaims, request: SignRequest): Promise<{ confirmation: ConfirmationPage } | { problems: SignFormProblem[] }> {
    const cycleId = claims.cycleId as string;
    const [, supporter, cycle, appeals, signed] = await Promise.all([
      this.cycles.memberOfSignLink(token),
      this.supporter(claims.supporterId),
      this.cycle(cycleId),
      this.db.query<{ id: string; status: AppealStatus; case_name: string; case_translations: CaseTranslations; title: string }[]>(
        `SELECT a.id, a.status, k.name AS case_name, k.translations AS case_translations, a.title
           FROM cycle_appeals ca JOIN appeals a ON a.id = ca.appeal_id JOIN cases k ON k.id = a.case_id
          WHERE ca.cycle_id = $1 ORDER BY ca.position, a.id`,
        [cycleId],
      ),
      this.db.query<{ appeal_id: string }[]>(
        `SELECT sg.appeal_id FROM cycle_appeals ca JOIN signatures sg ON sg.appeal_id = ca.appeal_id AND sg.supporter_id = $2 WHERE ca.cycle_id = $1`,
        [cycleId, claims.supporterId],
      ),
    ]);
    if (!supporter || !supporter.active || !cycle) throw new SignLinkGoneError();

    const alreadySigned = new Set(signed.map((row) => row.appeal_id));
    let chosen: typeof appeals;
    if (request.appealIds === 'all') {
      chosen = appeals.filter((appeal) => !alreadySigned.has(appeal.id) && SIGNABLE.includes(appeal.status));
    } else {
      const ids = request.appealIds;
      if (ids.some((id) => !appeals.some((appeal) => appeal.id === id))) {
        return { problems: [signProblem(null, 'signForm.notInMonth')] };
      }
      chosen = appeals.filter((appeal) => ids.includes(appeal.id));
    }

    const outcomes = new Map<string, 'signed' | 'already' | 'closed'>();
    for (const appeal of chosen) {
      if (alreadySigned.has(appeal.id)) {
        outcomes.set(appeal.id, 'already');
        continue;
      }
      const { note, signatureStyle } = choiceFor(request, appeal.id);
      try {
        await this.cycles.sign(cycleId, supporter.id, appeal.id, { ...(note ? { note } : {}), ...(signatureStyle ? { signatureStyle } : {}) });
        outcomes.set(appeal.id, 'signed');
      } catch (error) {
        // Closed between the page and the click: say so rather than fail the whole post. (A
        // member who left meanwhile is a LinkInvalidError, which stops the post.)
        if (!isDomainError(error, 'appeal_not_open', 'not_found')) throw error;
        outcomes.set(appeal.id, 'closed');
      }
    }

    const ids = [...outcomes.keys()];
    const [signatures, letters] = await Promise.all([
      this.db.query<{ appeal_id: string; note: string | null; signature_style: SignatureStyle }[]>(
        `SELECT appeal_id, note, signature_style FROM signatures WHERE supporter_id = $1 AND appeal_id = ANY($2::uuid[])`,
        [supporter.id, ids],
      ),
      this.db.query<{ appeal_id: string; status: LetterStatus; name: string; title: string; organisation: string | null; language: string }[]>(
        `SELECT l.appeal_id, l.status, o.name, o.title, o.organisation, o.language
           FROM letters l JOIN officials o ON o.id = l.official_id
          WHERE l.supporter_id = $1 AND l.appeal_id = ANY($2::uuid[]) ORDER BY o.name, o.id`,
        [supporter.id, ids],
      ),
    ]);
    const signedNow = [...outcomes.values()].filter((outcome) => outcome === 'signed').length;
    const lettersNow = letters.filter((letter) => outcomes.get(letter.appeal_id) === 'signed').length;
    const language = supporter.language;
    const messages = catalogueOf(language);
    const confirmation: ConfirmationPage = {
      language,
      pageUrl: `/sign/${token}`,
      lettersUrl: `/sign/${token}/letters`,
      cycleTitle: cycle.title,
      signedNow,
      summary:
        signedNow === 0
          ? messages.t('signed.nothingNew')
          : `${messages.t('signed.summaryAppeals', { count: signedNow })}: ${messages.t('signed.summaryLetters', { count: lettersNow })}`,
      appeals: chosen.map((appeal) => {
        const outcome = outcomes.get(appeal.id) ?? 'closed';
        const signature = signatures.find((row) => row.appeal_id === appeal.id);
        return {
          caseName: caseInLanguage({ case_name: appeal.case_name, case_translations: appeal.case_translations }, language).name,
          title: appeal.title,
          outcome: messages.t(`signed.outcome.${outcome}`),
          note: signature?.note ?? null,
          styleLabel: signature ? signatureStyleLabel(signature.signature_style, language) : null,
          letters: letters
            .filter((letter) => letter.appeal_id === appeal.id)
            .map((letter) => ({ to: addressee(letter), organisation: letter.organisation, languageName: languageName(letter.language, language), statusLabel: letterStatusLabel(letter.status, language) })),
        };
      }),
    };
    return { confirmation };
  }

  /** "My letters": the member's letters across cases, newest first, with each one's status. */
  async history(token: string, claims: MemberTokenClaims): Promise<HistoryPage> {
    const [supporter, letters, [{ total }]] = await Promise.all([
      this.supporter(claims.supporterId),
      this.db.query<{ case_id: string; case_name: string; case_translations: CaseTranslations; appeal_title: string; status: LetterStatus; sent_at: Date | null; created_at: Date; name: string; title: string; organisation: string | null; language: string }[]>(
        `SELECT k.id AS case_id, k.name AS case_name, k.translations AS case_translations, a.title AS appeal_title, l.status, l.sent_at, l.created_at,
                o.name, o.title, o.organisation, o.language
           FROM letters l JOIN appeals a ON a.id = l.appeal_id JOIN cases k ON k.id = a.case_id JOIN officials o ON o.id = l.official_id
          WHERE l.supporter_id = $1 ORDER BY l.created_at DESC, l.id LIMIT $2`,
        [claims.supporterId, HISTORY_LIMIT],
      ),
      this.db.query<{ total: number }[]>(`SELECT count(*)::int AS total FROM letters WHERE supporter_id = $1`, [claims.supporterId]),
    ]);
    if (!supporter || !supporter.active) throw new SignLinkGoneError();
    const language = supporter.language;
    const messages = catalogueOf(language);
    const cases = new Map<string, HistoryPage['cases'][number]>();
    for (const letter of letters) {
      let entry = cases.get(letter.case_id);
      if (!entry) {
        entry = { name: caseInLanguage(letter, language).name, letters: [] };
        cases.set(letter.case_id, entry);
      }
      entry.letters.push({
        appealTitle: letter.appeal_title,
        to: addressee(letter),
        organisation: letter.organisation,
        languageName: languageName(letter.language, language),
        status: letter.status,
        statusLabel: letterStatusLabel(letter.status, language),
        dayLabel: dayOf(letter.sent_at ?? letter.created_at, language),
      });
    }
    return {
      language,
      pageUrl: `/sign/${token}`,
      total,
      summary: messages.t(total > letters.length ? 'letters.summaryLatest' : 'letters.summary', {
        letters: messages.t('letters.letterCount', { count: total }),
        cases: messages.t('letters.caseCount', { count: cases.size }),
      }),
      truncated: total > letters.length ? messages.t('letters.truncated', { count: letters.length }) : null,
      cases: [...cases.values()],
    };
  }

  private async load(claims: MemberTokenClaims): Promise<CycleData> {
    const cycleId = claims.cycleId as string;
    const supporterId = claims.supporterId;
    const [supporter, cycle, appeals, events, officials, templates, signatures] = await Promise.all([
      this.supporter(supporterId),
      this.cycle(cycleId),
      this.db.query<AppealRow[]>(
        `SELECT a.id, a.title, a.status, k.id AS case_id, k.name AS case_name, k.country AS case_country, k.profession AS case_profession,
                k.status AS case_status, k.summary AS case_summary, to_char(k.detained_on, 'YYYY-MM-DD') AS case_detained_on, k.charges AS case_charges,
                k.gender AS case_gender, k.translations AS case_translations
           FROM cycle_appeals ca JOIN appeals a ON a.id = ca.appeal_id JOIN cases k ON k.id = a.case_id
          WHERE ca.cycle_id = $1 ORDER BY ca.position, a.id`,
        [cycleId],
      ),
      this.db.query<EventRow[]>(
        `SELECT e.id, e.case_id, to_char(e.occurred_on, 'YYYY-MM-DD') AS occurred_on, e.kind, e.description, e.source_url
           FROM case_events e WHERE e.case_id IN (SELECT a.case_id FROM cycle_appeals ca JOIN appeals a ON a.id = ca.appeal_id WHERE ca.cycle_id = $1)
          ORDER BY e.occurred_on, e.created_at, e.id`,
        [cycleId],
      ),
      this.db.query<OfficialRow[]>(
        `SELECT ao.appeal_id, o.id, o.name, o.title, o.salutation, o.organisation, o.language
           FROM cycle_appeals ca JOIN appeal_officials ao ON ao.appeal_id = ca.appeal_id JOIN officials o ON o.id = ao.official_id
          WHERE ca.cycle_id = $1 ORDER BY o.name, o.id`,
        [cycleId],
      ),
      // Ordered as the sender orders them: the first is the fallback language.
      this.db.query<TemplateRow[]>(
        `SELECT at.appeal_id, tp.id, tp.language, tp.subject, tp.body, tp.updated_at::text AS version
           FROM cycle_appeals ca JOIN appeal_templates at ON at.appeal_id = ca.appeal_id JOIN templates tp ON tp.id = at.template_id AND tp.kind = 'appeal'
          WHERE ca.cycle_id = $1 ORDER BY tp.created_at, tp.id`,
        [cycleId],
      ),
      this.db.query<SignatureRow[]>(
        `SELECT sg.appeal_id, sg.note, sg.signature_style, sg.created_at,
                coalesce(json_agg(json_build_object('officialId', l.official_id, 'status', l.status) ORDER BY l.official_id) FILTER (WHERE l.id IS NOT NULL), '[]') AS letters
           FROM cycle_appeals ca JOIN signatures sg ON sg.appeal_id = ca.appeal_id AND sg.supporter_id = $2
           LEFT JOIN letters l ON l.signature_id = sg.id
          WHERE ca.cycle_id = $1 GROUP BY sg.id`,
        [cycleId, supporterId],
      ),
    ]);
    if (!supporter || !supporter.active || !cycle) throw new SignLinkGoneError();
    return { supporter, cycle, appeals, events, officials, templates, signatures };
  }

  private async supporter(id: string): Promise<SupporterRow | undefined> {
    const [row] = await this.db.query<SupporterRow[]>(
      `SELECT id, name, country, city, language, signature_style, active FROM supporters WHERE id = $1`,
      [id],
    );
    return row;
  }

  private async cycle(id: string): Promise<CycleRow | undefined> {
    const [row] = await this.db.query<CycleRow[]>(`SELECT id, month, title, status FROM cycles WHERE id = $1`, [id]);
    return row;
  }

  /** One official's letter as they will receive it and, when their language differs, the same letter in the member's. */
  private letterView(
    appeal: AppealRow,
    official: OfficialRow,
    templates: TemplateRow[],
    supporter: SupporterRow,
    signing: { note: string | null; style: SignatureStyle },
    open: boolean,
    messages: Catalogue,
  ): LetterView {
    const view: LetterView = {
      open,
      to: addressee(official),
      organisation: official.organisation,
      language: official.language,
      languageName: languageName(official.language, messages.language),
      subject: '',
      body: '',
      error: null,
      translation: null,
      noTranslation: null,
    };
    const parts = (language: string): ContextParts => ({
      case: {
        name: appeal.case_name,
        country: appeal.case_country,
        profession: appeal.case_profession,
        status: appeal.case_status,
        summary: appeal.case_summary,
        charges: appeal.case_charges,
        detainedOn: appeal.case_detained_on,
        gender: appeal.case_gender,
        translations: appeal.case_translations,
      },
      official: { name: official.name, title: official.title, salutation: official.salutation, organisation: official.organisation, language: official.language },
      language,
      supporter: { name: supporter.name, city: supporter.city, country: supporter.country, signatureStyle: signing.style },
      note: signing.note,
      appealTitle: appeal.title,
      date: new Date(),
    });
    const template = this.previews.templateFor(templates, official.language);
    if (!template) {
      view.error = messages.t('letterView.none');
      return view;
    }
    try {
      const letter = this.previews.render(template, parts(template.language));
      view.subject = letter.subject;
      view.body = letter.body;
      // The language the official reads is the template's, which is theirs or the fallback.
      view.language = template.language;
      view.languageName = languageName(template.language, messages.language);
    } catch (error) {
      this.logger.warn(`Appeal ${appeal.id}: letter to official ${official.id} cannot be rendered: ${(error as Error).message.slice(0, 200)}`);
      view.error = messages.t('letterView.cannotShow');
      return view;
    }
    if (template.language !== supporter.language) {
      const own = templates.find((candidate) => candidate.language === supporter.language);
      if (own) {
        try {
          const letter = this.previews.render(own, parts(own.language));
          view.translation = { language: own.language, languageName: languageName(own.language, messages.language), subject: letter.subject, body: letter.body };
        } catch {
          view.noTranslation = messages.t('letterView.cannotShowIn', { language: languageName(supporter.language, messages.language) });
        }
      } else {
        view.noTranslation = messages.t('letterView.noVersionIn', { language: languageName(supporter.language, messages.language) });
      }
    }
    return view;
  }
}

/** The case as a member reads it: its translation in their language where there is one, else its own (English) fields. */
function caseInLanguage(
  row: Partial<Pick<AppealRow, 'case_profession' | 'case_summary' | 'case_charges'>> & Pick<AppealRow, 'case_name' | 'case_translations'>,
  language: string,
): { name: string; profession: string | null; summary: string; summaryLanguage: string | null; charges: string | null } {
  const { fields } = caseFieldsIn(
    { name: row.case_name, profession: row.case_profession ?? null, summary: row.case_summary ?? '', charges: row.case_charges ?? null, translations: row.case_translations },
    language,
  );
  return {
    name: fields.name ?? row.case_name,
    profession: fields.profession ?? row.case_profession ?? null,
    summary: fields.summary ?? row.case_summary ?? '',
    summaryLanguage: fields.summary === null && language !== 'en' ? 'en' : null,
    charges: fields.charges ?? row.case_charges ?? null,
  };
}

function signProblem(appealId: string | null, key: string): SignFormProblem {
  return { appealId, key, message: catalogueOf('en').t(key) };
}

function addressee(official: { name: string; title: string }): string {
  return `${official.title} ${official.name}`;
}

function closedMessageFor(appeal: AppealRow, caseName: string, messages: Catalogue): string {
  if (appeal.case_status === 'released') return messages.t('closed.released', { name: caseName });
  if (appeal.status === 'draft') return messages.t('closed.draft');
  if (appeal.status === 'cancelled') return messages.t('closed.cancelled');
  return messages.t('closed.closed');
}
