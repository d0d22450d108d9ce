import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppealStatus } from '../appeals/appeal.entity';
import type { CaseTranslations } from '../cases/case.entity';
import { isDomainError, NotFoundError } from '../common/errors';
import type { MemberAppealView, MemberCycleView } from '../cycles/dto/cycle.dto';
import { CyclesService } from '../cycles/cycles.service';
import type { LetterStatus } from '../letters/letter.entity';
import { LettersRepository } from '../letters/letters.repository';
import { MESSAGE_MAX_LENGTH } from '../messages/message-text';
import { ModerationService } from '../moderation/moderation.service';
import type { MemberTokenClaims } from '../supporters/member-token.service';
import { SupportersRepository } from '../supporters/supporters.repository';
import { SIGNATURE_STYLES, type SignatureStyle } from '../supporters/supporter.entity';
import { safeSigning, signatureStylesFor, supporterSignature } from '../templates/letter-context';
import { LetterParts, LetterRendererService } from '../templates/letter-renderer.service';
import { choiceFor, NOTE_MAX_LENGTH, SignFormProblem, SignRequest } from './sign-form';
import { caseFieldsIn } from '../cases/case-translations';
import { Catalogue, catalogueOf } from '../common/i18n/messages';
import Handlebars from 'handlebars';
import { LayoutModel, ViewsService } from './views.service';
import { caseStatusLabel, countryLabel, dayLabel, dayOf, languageName, letterStatusLabel, monthLabel, paragraphs, signatureStyleLabel, webLink } from './view-format';

/*
 * The members' month as the pages show it: read through the features' one read model
 * (CyclesService.forMember: the cycle, its appeals in order with their cases, officials,
 * templates and this member's signatures), signed through CyclesService.sign, and every
 * letter rendered through the one rendering path (LetterRendererService), the worker's: what
 * the member reads here is byte for byte what the official receives.
 */

type MemberView = MemberCycleView['member'];

type MessageBox = MemberCycleView['messageBoxes'][number];

/** A case as every member reading the page in one language sees it: its header's words and its section (views/partials/appeal-case.hbs). */
interface CaseSection {
  name: string;
  profession: string | null;
  countryName: string;
  statusLabel: string;
  html: string;
}

type OfficialOfAppeal = MemberAppealView['officials'][number];

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
  statusLabel: string;
  /** "Please sign by 10 December 2026", when the appeal has a deadline. */
  deadlineLabel: string | null;
  /** The case's section (summary, facts, timeline: views/partials/appeal-case.hbs), the same for every member of the language. */
  caseHtml: string;
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
    /** Initials or anonymous only, said above the choice. */
    highRisk: boolean;
    styles: { id: string; value: SignatureStyle; label: string; example: string; checked: boolean }[];
  } | null;
  /** Why this appeal takes no signature, when it does not and is not signed. */
  closedMessage: string | null;
  problems: string[];
  /** The box for a message of solidarity, when the case takes messages and none of the member's waits. */
  messageBox: {
    name: string;
    id: string;
    hintId: string;
    value: string;
    maxLength: number;
    guidance: string;
    hint: string;
    problems: string[];
  } | null;
  /** Said instead of the box while the member's message waits for moderation. */
  messageHeld: { text: string; status: string } | null;
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
  /** The messages of solidarity the post sent, and what became of each. */
  messages: { caseName: string; text: string; outcome: string }[];
}

export interface HistoryPage {
  language: string;
  pageUrl: string;
  total: number;
  summary: string;
  /** Said when older letters are left out. */
  truncated: string | null;
  cases: { name: string; letters: { appealTitle: string; to: string; organisation: string | null; languageName: string; status: LetterStatus; statusLabel: string; noteLabel: string | null; dayLabel: string }[] }[];
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

  /**
   * Each case's section as rendered for a language. The month's content is one deep-frozen
   * object while it stands (CycleContentService): changed content is a new object, so a new
   * key, and what no page holds any more is collected.
   */
  private readonly caseSections = new WeakMap<object, Map<string, CaseSection>>();
  /** The signing page's cuts, by the month's content (its first case: the content is one frozen tree) and then the shape (skeletonShapeOf); null: rendered whole; false: seen once, cut on the next. */
  private readonly pageSkeletons = new WeakMap<object, Map<string, SignPageSkeleton | null | false>>();
  private skeletonFills = 0;

  constructor(
    @Inject(ViewsService) private readonly views: ViewsService,
    @Inject(SupportersRepository) private readonly supporters: SupportersRepository,
    @Inject(LettersRepository) private readonly letters: LettersRepository,
    @Inject(CyclesService) private readonly cycles: CyclesService,
    @Inject(LetterRendererService) private readonly renderer: LetterRendererService,
    @Inject(ModerationService) private readonly moderation: ModerationService,
  ) {}

  /** The month's page; `submitted` brings back what a refused post held, with its problems. */
  async page(token: string, claims: MemberTokenClaims, submitted?: { request: SignRequest; problems: SignFormProblem[] }): Promise<SigningPage> {
    // The backend's rule for who may use a sign link (a reachable member, an open cycle),
    // checked in the same read.
    return this.pageOf(token, await this.forSignLink(token), submitted);
  }

  /**
   * The month's page as HTML, for its GET. A member who has signed nothing yet and has no
   * message waiting sees the page every such member of their language, style and message
   * boxes sees, but for their own words (name, signature examples, letters, the link's
   * token): that page is rendered once per month's content and shape, cut at those words
   * (SignPageSkeleton), and each member's page is the cut joined with their own, escaped as
   * the views escape them. The first page of each cut is compared with a whole rendering,
   * and every VERIFY_EVERY-th page after it again; a cut that ever differs is dropped for
   * good and the page rendered whole. Any other page is rendered whole.
   */
  async pageHtml(token: string, layoutOf: (language: string, cycleTitle: string) => LayoutModel): Promise<string> {
    const cycle = await this.forSignLink(token);
    const layout = layoutOf(cycle.member.language, cycle.title);
    const shape = skeletonShapeOf(cycle);
    let byShape: Map<string, SignPageSkeleton | null | false> | undefined;
    if (shape) {
      byShape = this.pageSkeletons.get(cycle.appeals[0].case);
      if (!byShape) {
        byShape = new Map();
        this.pageSkeletons.set(cycle.appeals[0].case, byShape);
      }
      const skeleton = byShape.get(shape);
      if (skeleton) {
        const own = this.memberWords(token, cycle);
        if (own) {
          const html = skeleton.fill(slotsOf(own, layout));
          this.skeletonFills += 1;
          if (this.skeletonFills % VERIFY_EVERY !== 0) return html;
          const whole = this.views.render('sign', this.pageOf(token, cycle), layout);
          if (whole === html) return html;
          this.logger.warn(`Cycle ${cycle.id}: the signing page's cut for shape ${shape} differed from a whole rendering; pages of that shape are rendered whole from now on`);
          byShape.set(shape, null);
          return whole;
        }
      }
    }
    const page = this.pageOf(token, cycle);
    const html = this.views.render('sign', page, layout);
    // Cut on the shape's second page of this content: content read afresh for every page
    // (nothing kept while the notices are not heard) is never cut for nothing.
    if (shape && byShape) {
      const known = byShape.get(shape);
      if (known === undefined) byShape.set(shape, false);
      else if (known === false) byShape.set(shape, this.cutPage(page, layout, html));
    }
    return html;
  }

  /** The page cut at the member's words, or null when the cut would not give back `html`, the page rendered whole. */
  private cutPage(page: SigningPage, layout: LayoutModel, html: string): SignPageSkeleton | null {
    if (html.includes('\uE000') || page.appeals.some((appeal) => appeal.letters.some((letter) => letter.error !== null))) return null;
    const marked = mapSlots(page, layout, (_, index) => `\uE000${index}\uE001`);
    const pieces = this.views.render('sign', marked.page, marked.layout).split(/\uE000(\d+)\uE001/);
    const skeleton = new SignPageSkeleton(pieces);
    return skeleton.fill(slotsOf(page, layout)) === html ? skeleton : null;
  }

  /** What is the member's own on a page of a cut: their name, the link's addresses, each appeal's signature examples and letters. */
  private memberWords(token: string, cycle: MemberCycleView): SlotPage | null {
    const supporter = cycle.member;
    const messages = catalogueOf(supporter.language);
    const examples = examplesOf(supporter);
    const appeals: SlotPage['appeals'] = [];
    for (const appeal of cycle.appeals) {
      const style = safeSigning(appeal.case.risk, supporter.signatureStyle, null).style;
      const letters = appeal.officials.map((official, officialIndex) => this.letterView(appeal, official, supporter, { note: null, style }, officialIndex === 0, messages));
      if (letters.some((letter) => letter.error !== null)) return null;
      appeals.push({ form: SIGNABLE.includes(appeal.status) ? { styles: signatureStylesFor(appeal.case.risk).map((value) => ({ example: examples[value] })) } : null, letters });
    }
    return { memberName: supporter.name, formAction: `/sign/${token}`, lettersUrl: `/sign/${token}/letters`, appeals };
  }

  /** The month's page for the member of `cycle`, read already. */
  private pageOf(token: string, cycle: MemberCycleView, submitted?: { request: SignRequest; problems: SignFormProblem[] }): SigningPage {
    const supporter = cycle.member;
    const total = cycle.appeals.length;
    const problems = submitted?.problems ?? [];
    const language = supporter.language;
    const messages = catalogueOf(language);
    // One box per case, on its first appeal of the month.
    const boxOn = new Map<string, MessageBox>();
    for (const box of cycle.messageBoxes) {
      const appeal = cycle.appeals.find((candidate) => candidate.case.id === box.caseId);
      if (appeal) boxOn.set(appeal.id, box);
    }

    const examples = examplesOf(supporter);
    const appeals = cycle.appeals.map((appeal, index): AppealView => {
      const officials = appeal.officials;
      const signature = appeal.signature;
      const signable = signature === null && SIGNABLE.includes(appeal.status);
      const choice = submitted ? choiceFor(submitted.request, appeal.id) : { note: null, signatureStyle: null };
      // A high-risk case offers initials or anonymous only: a default of full becomes initials, preselected.
      const style = signature?.signatureStyle ?? safeSigning(appeal.case.risk, choice.signatureStyle ?? supporter.signatureStyle, null).style;
      const headingId = `appeal-${index + 1}`;
      const own = this.caseSection(appeal.case, language, messages);
      return {
        id: appeal.id,
        number: index + 1,
        total,
        headingId,
        title: appeal.title,
        caseName: own.name,
        countryName: own.countryName,
        profession: own.profession,
        statusLabel: own.statusLabel,
        deadlineLabel: appeal.deadline ? messages.t('consoleAppeals.signBy', { day: dayLabel(appeal.deadline, language) }) : null,
        caseHtml: own.html,
        letters: officials.map((official, officialIndex) =>
          this.letterView(appeal, official, supporter, signature ? { note: signature.note, style: signature.signatureStyle } : { note: null, style }, officialIndex === 0, messages),
        ),
        signed: signature
          ? {
              dayLabel: dayOf(new Date(signature.createdAt), language),
              styleLabel: signatureStyleLabel(signature.signatureStyle, language),
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
              highRisk: appeal.case.risk === 'high',
              styles: signatureStylesFor(appeal.case.risk).map((value) => ({
                id: `style-${index + 1}-${value}`,
                value,
                label: signatureStyleLabel(value, language),
                example: examples[value],
                checked: value === style,
              })),
            }
          : null,
        closedMessage: signature || signable ? null : closedMessageFor(appeal, own.name, messages),
        problems: problems.filter((problem) => problem.appealId === appeal.id).map((problem) => messages.t(problem.key, problem.params)),
        ...messageBoxOf(boxOn.get(appeal.id), index, own.name, submitted, messages),
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
      signedCount: cycle.appeals.filter((appeal) => appeal.signature !== null).length,
      signableCount,
      offerSignAll: signableCount > 1,
      problems: problems.map((problem) => {
        const appeal = appeals.find((candidate) => candidate.id === problem.appealId);
        const message = messages.t(problem.key, problem.params);
        if (problem.caseId) {
          const boxed = appeals.find((candidate) => candidate.messageBox && boxOn.get(candidate.id)?.caseId === problem.caseId);
          if (boxed?.messageBox) return { message: `${boxed.caseName}: ${message}`, href: `#${boxed.messageBox.id}` };
        }
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
    const before = await this.forSignLink(token);
    const supporter = before.member;
    const appeals = before.appeals;

    if ([...request.messages.keys()].some((caseId) => !appeals.some((appeal) => appeal.case.id === caseId))) {
      return { problems: [signProblem(null, 'signForm.notInMonth')] };
    }
    const alreadySigned = new Set(appeals.filter((appeal) => appeal.signature !== null).map((appeal) => appeal.id));
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
    const toSign: { appealId: string; input: { note?: string; signatureStyle?: SignatureStyle } }[] = [];
    for (const appeal of chosen) {
      if (alreadySigned.has(appeal.id)) {
        outcomes.set(appeal.id, 'already');
        continue;
      }
      const { note, signatureStyle: chosenStyle } = choiceFor(request, appeal.id);
      // A style for every appeal of the post (plain `signatureStyle`) signs a high-risk case with initials rather than fail.
      const signatureStyle = chosenStyle ? safeSigning(appeal.case.risk, chosenStyle, null).style : null;
      toSign.push({ appealId: appeal.id, input: { ...(note ? { note } : {}), ...(signatureStyle ? { signatureStyle } : {}) } });
    }
    // One transaction for all of them. An appeal closed between the page and the click is
    // said so rather than failing the whole post (a member who left meanwhile is a
    // LinkInvalidError, which stops the post).
    for (const [appealId, outcome] of await this.cycles.signMany(cycleId, supporter.id, toSign)) outcomes.set(appealId, outcome);

    const written = await this.writeMessages(request.messages, supporter.id, appeals, supporter.language);

    // The same read model after signing: the signatures and their letters as they now are.
    const after = outcomes.size > 0 ? await this.forMember(claims) : before;
    const signed = new Map(after.appeals.filter((appeal) => outcomes.has(appeal.id)).map((appeal) => [appeal.id, appeal]));
    const letters = [...signed.values()].flatMap((appeal) =>
      // Ordered as the officials are (by name): one letter per official of a signature.
      appeal.officials.flatMap((official) =>
        (appeal.signature?.letters ?? []).filter((letter) => letter.officialId === official.id).map((letter) => ({ appeal_id: appeal.id, status: letter.status, ...official })),
      ),
    );
    const signatures = [...signed.values()].flatMap((appeal) => (appeal.signature ? [{ appeal_id: appeal.id, note: appeal.signature.note, signature_style: appeal.signature.signatureStyle }] : []));
    const signedNow = [...outcomes.values()].filter((outcome) => outcome === 'signed').length;
    const lettersNow = letters.filter((letter) => outcomes.get(letter.appeal_id) === 'signed').length;
    const language = supporter.language;
    const messages = catalogueOf(language);
    const confirmation: ConfirmationPage = {
      language,
      pageUrl: `/sign/${token}`,
      lettersUrl: `/sign/${token}/letters`,
      cycleTitle: before.title,
      signedNow,
      summary:
        signedNow === 0 && chosen.length === 0 && written.length > 0
          ? messages.t('signed.messagesOnly', { count: written.length })
          : signedNow === 0
          ? messages.t('signed.nothingNew')
          : `${messages.t('signed.summaryAppeals', { count: signedNow })}: ${messages.t('signed.summaryLetters', { count: lettersNow })}`,
      appeals: chosen.map((appeal) => {
        const outcome = outcomes.get(appeal.id) ?? 'closed';
        const signature = signatures.find((row) => row.appeal_id === appeal.id);
        return {
          caseName: caseInLanguage(appeal.case, language).name,
          title: appeal.title,
          outcome: messages.t(`signed.outcome.${outcome}`),
          note: signature?.note ?? null,
          styleLabel: signature ? signatureStyleLabel(signature.signature_style, language) : null,
          letters: letters
            .filter((letter) => letter.appeal_id === appeal.id)
            .map((letter) => ({ to: addressee(letter), organisation: letter.organisation, languageName: languageName(letter.language, language), statusLabel: letterStatusLabel(letter.status, language) })),
        };
      }),
      messages: written,
    };
    return { confirmation };
  }

  /**
   * Sends the post's messages of solidarity, each held for moderation through the API's own
   * rule (ModerationService.write); says what became of each. A case that stopped taking
   * messages since the page, or a message of the member's still waiting, is said, not an error.
   */
  private async writeMessages(texts: ReadonlyMap<string, string>, supporterId: string, appeals: MemberAppealView[], language: string): Promise<ConfirmationPage['messages']> {
    const messages = catalogueOf(language);
    const written: ConfirmationPage['messages'] = [];
    for (const [caseId, text] of texts) {
      const record = appeals.find((appeal) => appeal.case.id === caseId)!.case;
      let outcome: 'held' | 'pending' | 'notAccepted';
      try {
        await this.moderation.write(caseId, supporterId, text);
        outcome = 'held';
      } catch (error) {
        if (isDomainError(error, 'message_pending')) outcome = 'pending';
        else if (isDomainError(error, 'messages_not_accepted')) outcome = 'notAccepted';
        else throw error;
      }
      const name = caseInLanguage(record, language).name;
      written.push({ caseName: name, text, outcome: messages.t(`signed.message.${outcome}`, { name }) });
    }
    return written;
  }

  /** "My letters": the member's letters across cases, newest first, with each one's status. */
  async history(token: string, claims: MemberTokenClaims): Promise<HistoryPage> {
    const [supporter, { letters, total }] = await Promise.all([
      this.supporters.pageStateOf(claims.supporterId),
      this.letters.historyOfMember(claims.supporterId, HISTORY_LIMIT),
    ]);
    if (!supporter || !supporter.active) throw new SignLinkGoneError();
    const language = supporter.language;
    const messages = catalogueOf(language);
    const cases = new Map<string, HistoryPage['cases'][number]>();
    for (const letter of letters) {
      let entry = cases.get(letter.case_id);
      if (!entry) {
        entry = { name: caseInLanguage({ name: letter.case_name, translations: letter.case_translations }, language).name, letters: [] };
        cases.set(letter.case_id, entry);
      }
      entry.letters.push({
        appealTitle: letter.appeal_title,
        to: addressee(letter),
        organisation: letter.organisation,
        languageName: languageName(letter.language, language),
        status: letter.status,
        statusLabel: letterStatusLabel(letter.status, language),
        // A held note keeps the letter waiting; a rejected one was taken out of it.
        noteLabel: letter.note_status === 'held' || letter.note_status === 'rejected' ? messages.t(`letters.note.${letter.note_status}`) : null,
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

  /** The member's month for their sign link, checked as it is read (CyclesService.forSignLink); gone is a link that opens nothing. */
  private async forSignLink(token: string): Promise<MemberCycleView> {
    try {
      return await this.cycles.forSignLink(token);
    } catch (error) {
      if (error instanceof NotFoundError) throw new SignLinkGoneError();
      throw error;
    }
  }

  /** The one read model of the member's month; a cycle or member gone since the link was made is a link that opens nothing. */
  private async forMember(claims: MemberTokenClaims): Promise<MemberCycleView> {
    try {
      return await this.cycles.forMember(claims.cycleId as string, claims.supporterId);
    } catch (error) {
      if (error instanceof NotFoundError) throw new SignLinkGoneError();
      throw error;
    }
  }

  /** The case as the page shows it in a language (its header's words, and its section rendered), once per case content and language. */
  private caseSection(record: MemberAppealView['case'], language: string, messages: Catalogue): CaseSection {
    let byLanguage = this.caseSections.get(record);
    if (!byLanguage) {
      byLanguage = new Map();
      this.caseSections.set(record, byLanguage);
    }
    let section = byLanguage.get(language);
    if (section === undefined) {
      const own = caseInLanguage(record, language);
      const html = this.views.partial(
        'appeal-case',
        {
          // Set when the summary is not in the page's language (no translation): its own language, for `lang`.
          summaryLanguage: own.summaryLanguage,
          facts: [
            ...(record.detainedOn ? [{ label: messages.t('appeal.detained'), value: dayLabel(record.detainedOn, language) }] : []),
            ...(own.charges ? [{ label: messages.t('appeal.charges'), value: own.charges }] : []),
          ],
          summary: paragraphs(own.summary),
          // No photo column yet: the view shows none.
          photo: null,
          timeline: record.events.map((event) => ({
            date: event.occurredOn,
            dateLabel: dayLabel(event.occurredOn, language),
            kind: event.kind,
            description: event.description,
            source: webLink(event.sourceUrl),
          })),
        },
        language,
      );
      section = { name: own.name, profession: own.profession, countryName: countryLabel(record.country, language), statusLabel: caseStatusLabel(record.status, language), html };
      byLanguage.set(language, section);
    }
    return section;
  }

  /** One official's letter as they will receive it and, when their language differs, the same letter in the member's. */
  private letterView(
    appeal: MemberAppealView,
    official: OfficialOfAppeal,
    supporter: MemberView,
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
    const parts: LetterParts = {
      case: appeal.case,
      official,
      supporter: { name: supporter.name, city: supporter.city, country: supporter.country, signatureStyle: signing.style },
      note: signing.note,
      appealTitle: appeal.title,
      date: new Date(),
    };
    const templates = appeal.templates;
    if (templates.length === 0) {
      view.error = messages.t('letterView.none');
      return view;
    }
    let template: (typeof templates)[number];
    try {
      // The worker's choice of template and its rendering: the official's language, else the coordinator's first.
      const letter = this.renderer.renderForSigner(templates, official.language, parts)!;
      template = letter.template;
      view.subject = letter.subject;
      view.body = letter.body;
      // The language the official reads is the template's, which is theirs or the fallback.
      view.language = letter.language;
      view.languageName = languageName(letter.language, messages.language);
    } catch (error) {
      this.logger.warn(`Appeal ${appeal.id}: letter to official ${official.id} cannot be rendered: ${(error as Error).message.slice(0, 200)}`);
      view.error = messages.t('letterView.cannotShow');
      return view;
    }
    if (template.language !== supporter.language) {
      const own = templates.find((candidate) => candidate.language === supporter.language);
      if (own) {
        try {
          const letter = this.renderer.renderSigned(own, parts);
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
  record: { name: string; profession?: string | null; summary?: string; charges?: string | null; translations: CaseTranslations },
  language: string,
): { name: string; profession: string | null; summary: string; summaryLanguage: string | null; charges: string | null } {
  const { fields } = caseFieldsIn(
    { name: record.name, profession: record.profession ?? null, summary: record.summary ?? '', charges: record.charges ?? null, translations: record.translations },
    language,
  );
  return {
    name: fields.name ?? record.name,
    profession: fields.profession ?? record.profession ?? null,
    summary: fields.summary ?? record.summary ?? '',
    summaryLanguage: fields.summary === null && language !== 'en' ? 'en' : null,
    charges: fields.charges ?? record.charges ?? null,
  };
}

/** The message box of an appeal (or what is said of the member's message waiting), for the partial message-box.hbs. */
function messageBoxOf(
  box: MessageBox | undefined,
  index: number,
  caseName: string,
  submitted: { request: SignRequest; problems: SignFormProblem[] } | undefined,
  messages: Catalogue,
): Pick<AppealView, 'messageBox' | 'messageHeld'> {
  if (!box) return { messageBox: null, messageHeld: null };
  if (box.heldText !== null) return { messageBox: null, messageHeld: { text: box.heldText, status: messages.t('messageBox.held', { name: caseName }) } };
  return {
    messageHeld: null,
    messageBox: {
      name: `message[${box.caseId}]`,
      id: `message-${index + 1}`,
      hintId: `message-hint-${index + 1}`,
      value: submitted?.request.messages.get(box.caseId) ?? '',
      maxLength: MESSAGE_MAX_LENGTH,
      guidance: messages.t('messageBox.guidance', { name: caseName }),
      hint: messages.t('messageBox.hint', { max: MESSAGE_MAX_LENGTH.toLocaleString(messages.language) }),
      problems: (submitted?.problems ?? []).filter((problem) => problem.caseId === box.caseId).map((problem) => messages.t(problem.key, problem.params)),
    },
  };
}

function signProblem(appealId: string | null, key: string): SignFormProblem {
  return { appealId, key, message: catalogueOf('en').t(key) };
}

function addressee(official: { name: string; title: string }): string {
  return `${official.title} ${official.name}`;
}

function closedMessageFor(appeal: MemberAppealView, caseName: string, messages: Catalogue): string {
  if (appeal.case.status === 'released') return messages.t('closed.released', { name: caseName });
  if (appeal.status === 'draft') return messages.t('closed.draft');
  if (appeal.status === 'cancelled') return messages.t('closed.cancelled');
  return messages.t('closed.closed');
}

/** A page of a cut is compared with a whole rendering this often (its first one always). */
const VERIFY_EVERY = 100;

/** How the member would sign in each style: the same under every appeal. */
function examplesOf(supporter: MemberView): Record<SignatureStyle, string> {
  return Object.fromEntries(SIGNATURE_STYLES.map((value) => [value, supporterSignature(supporter.language, value, supporter.name, supporter.country)])) as Record<SignatureStyle, string>;
}

/**
 * What decides the page's HTML around the member's own words, beside the month's content:
 * their language, their default style (which choice is checked), and the cases that offer
 * them a message box. Null for a page no cut serves: a signature made (its letters' statuses,
 * its day), a message waiting, a month of no appeals.
 */
function skeletonShapeOf(cycle: MemberCycleView): string | null {
  if (cycle.appeals.length === 0 || cycle.appeals.some((appeal) => appeal.signature !== null) || cycle.messageBoxes.some((box) => box.heldText !== null)) return null;
  return [cycle.member.language, cycle.member.signatureStyle, ...cycle.messageBoxes.map((box) => box.caseId)].join('|');
}

/** The member's own words of a page, where the page and its layout hold them. */
interface SlotPage {
  memberName: string;
  formAction: string;
  lettersUrl: string;
  appeals: { form: { styles: { example: string }[] } | null; letters: Pick<LetterView, 'subject' | 'body' | 'translation'>[] }[];
}

/**
 * The page (and its layout) with each of the member's words replaced by `replace(word, its
 * slot number)`, always in the same order: the one walk both the cut's marks and each
 * member's words come from.
 */
function mapSlots<P extends SlotPage>(page: P, layout: LayoutModel, replace: (word: string, index: number) => string): { page: P; layout: LayoutModel } {
  let index = 0;
  const next = (word: string) => replace(word, index++);
  const mapped: P = { ...page, memberName: next(page.memberName), formAction: next(page.formAction), lettersUrl: next(page.lettersUrl) };
  const nav = layout.nav.map((link) => ({ ...link, href: next(link.href) }));
  const unsubscribeUrl = layout.unsubscribeUrl === null ? null : next(layout.unsubscribeUrl);
  mapped.appeals = page.appeals.map((appeal) => ({
    ...appeal,
    form: appeal.form ? { ...appeal.form, styles: appeal.form.styles.map((style) => ({ ...style, example: next(style.example) })) } : null,
    letters: appeal.letters.map((letter) => ({
      ...letter,
      subject: next(letter.subject),
      body: next(letter.body),
      translation: letter.translation ? { ...letter.translation, subject: next(letter.translation.subject), body: next(letter.translation.body) } : null,
    })),
  })) as P['appeals'];
  return { page: mapped, layout: { ...layout, nav, unsubscribeUrl } };
}

function slotsOf(page: SlotPage, layout: LayoutModel): string[] {
  const words: string[] = [];
  mapSlots(page, layout, (word) => {
    words.push(word);
    return word;
  });
  return words;
}

/** A signing page cut at the member's words: text, slot, text, ..., text. */
class SignPageSkeleton {
  constructor(private readonly pieces: readonly string[]) {}

  /** The page with these words, escaped as the views escape a value. */
  fill(words: readonly string[]): string {
    let html = this.pieces[0];
    for (let index = 1; index < this.pieces.length; index += 2) html += Handlebars.escapeExpression(words[Number(this.pieces[index])] ?? '') + this.pieces[index + 1];
    return html;
  }
}
