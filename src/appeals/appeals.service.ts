import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { lockAppealShared, lockAppeals, lockAppealsShared } from '../database/appeal-locks';
import { AuditLogService } from '../database/audit-log.service';
import { Caller } from '../common/auth/current-supporter.decorator';
import { Case } from '../cases/case.entity';
import { DomainError, isDomainError, NotFoundError } from '../common/errors';
import { Page } from '../common/pagination';
import { LETTER_STATUSES, LetterStatus } from '../letters/letter.entity';
import { LettersService } from '../delivery/letters.service';
import type { BatchRange } from '../delivery/letter-queue.service';
import { LettersRepository } from '../letters/letters.repository';
import { SignaturesRepository } from '../letters/signatures.repository';
import { noteHasLink } from '../letters/note-links';
import { Official } from '../officials/official.entity';
import type { PrintFigures } from '../printing/print-runs.repository';
import { SignatureStyle, Supporter } from '../supporters/supporter.entity';
import { preparedQuery } from '../database/prepared';
import { LetterRendererService } from '../templates/letter-renderer.service';
import { safeSigning } from '../templates/letter-context';
import { Template } from '../templates/template.entity';
import { TemplateUnprintableError, unprintableTemplates } from '../templates/template-fonts';
import { AppealChannel, AppealModeration, AppealStatus, CHANNEL_NEEDS, reachableOn } from './appeal.entity';
import { assertTranslatedForLaunch } from './appeal-languages';
import { AppealContentService } from './appeal-content.service';
import { AppealContentRow, AppealLiveRow, AppealsRepository, LetterCountRow } from './appeals.repository';
import { AppealListQuery, AppealView, CreateAppealDto, SignAppealDto, SignatureResult } from './dto/appeal.dto';

/** Which transitions a coordinator may make, and to what. */
const TRANSITIONS: Record<'launch' | 'pause' | 'resume' | 'cancel', { from: AppealStatus[]; to: AppealStatus }> = {
  launch: { from: ['draft'], to: 'open' },
  pause: { from: ['open'], to: 'paused' },
  resume: { from: ['paused'], to: 'open' },
  cancel: { from: ['draft', 'open', 'paused'], to: 'cancelled' },
};

/** Whether a coordinator may `action` an appeal in this status (what the console offers, and what transition() allows). */
export function transitionAllowed(action: keyof typeof TRANSITIONS, status: AppealStatus): boolean {
  return TRANSITIONS[action].from.includes(status);
}

@Injectable()
export class AppealsService {
  constructor(
    @Inject(AuditLogService) private readonly audit: AuditLogService,
    @Inject(AppealsRepository) private readonly appeals: AppealsRepository,
    @InjectRepository(Template) private readonly templates: Repository<Template>,
    @InjectRepository(Official) private readonly officials: Repository<Official>,
    @InjectRepository(Case) private readonly cases: Repository<Case>,
    @InjectRepository(Supporter) private readonly supporters: Repository<Supporter>,
    @Inject(LettersService) private readonly letters: LettersService,
    @Inject(LettersRepository) private readonly letterRows: LettersRepository,
    @Inject(SignaturesRepository) private readonly signatures: SignaturesRepository,
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(LetterRendererService) private readonly renderer: LetterRendererService,
    @Inject(AppealContentService) private readonly content: AppealContentService,
  ) {}

  /** Each kept content's letters, with the UTC day they were rendered on. */
  private readonly previews = new WeakMap<AppealContentRow, { day: number; letters: readonly AppealLetterPreview[] }>();

  async create(input: CreateAppealDto): Promise<AppealView> {
    const [record, templates, officials] = await Promise.all([
      this.cases.findOne({ where: { id: input.caseId } }),
      this.templates.findBy({ id: In(input.templateIds) }),
      this.officials.findBy({ id: In(input.officialIds) }),
    ]);
    if (!record) throw new DomainError('case_unknown', 'caseId: no such case');
    const problems: string[] = [];
    const missingTemplates = input.templateIds.filter((id) => !templates.some((template) => template.id === id));
    if (missingTemplates.length > 0) problems.push(`templateIds: no such template ${missingTemplates.join(', ')}`);
    const wrongKind = templates.filter((template) => template.kind !== 'appeal');
    if (wrongKind.length > 0) problems.push(`templateIds: ${wrongKind.map((t) => t.id).join(', ')} ${wrongKind.length > 1 ? 'are not' : 'is not'} of kind appeal`);
    const languages = templates.map((template) => template.language);
    const repeated = languages.filter((language, index) => languages.indexOf(language) !== index);
    if (repeated.length > 0) problems.push(`templateIds: one template per language (${[...new Set(repeated)].join(', ')} repeats)`);
    const missingOfficials = input.officialIds.filter((id) => !officials.some((official) => official.id === id));
    if (missingOfficials.length > 0) problems.push(`officialIds: no such official ${missingOfficials.join(', ')}`);
    const unreachable = unreachableProblem(input.channel ?? 'email', officials);
    if (unreachable) problems.push(unreachable);
    if (problems.length > 0) throw new DomainError('appeal_invalid', problems);

    // Keep the coordinator's order of templates: the first is the fallback language.
    const id = await this.db.transaction((manager) =>
      this.appeals.insertDraft(manager, { caseId: input.caseId, title: input.title, channel: input.channel ?? 'email', moderation: input.moderation ?? 'none', deadline: input.deadline ?? null, templateIds: input.templateIds, officialIds: input.officialIds }),
    );
    return this.get(id);
  }

  /** What the console's open appeal page polls: the appeal's status and its letters by status, in one read. */
  async liveCounts(id: string): Promise<Pick<AppealView, 'id' | 'status' | 'letters'>> {
    const row = await this.appeals.statusAndCountsOf(id);
    if (!row) throw new NotFoundError('Appeal');
    return { id, status: row.status, letters: letterCounts(row.counts) };
  }

  async get(id: string): Promise<AppealView> {
    const appeal = await this.appeals.findById(id);
    if (!appeal) throw new NotFoundError('Appeal');
    const links = await this.appeals.linksOf(id);
    const letters = letterCounts(await this.appeals.letterCountsOf(id));
    return {
      id: appeal.id,
      caseId: appeal.caseId,
      title: appeal.title,
      channel: appeal.channel,
      moderation: appeal.moderation,
      status: appeal.status,
      deadline: appeal.deadline,
      templateIds: links.templateIds,
      officialIds: links.officialIds,
      launchedAt: appeal.launchedAt,
      createdAt: appeal.createdAt,
      letters,
    };
  }

  /** A page of appeals, oldest first, each with its links and letter counts (a fixed number of statements per page). */
  async list(query: AppealListQuery): Promise<Page<AppealView>> {
    const { page, limit } = query;
    const { rows, total } = await this.appeals.page({ status: query.status ?? null, caseId: query.caseId ?? null }, page, limit);
    const items = rows.map(({ counts, ...appeal }) => ({ ...appeal, letters: letterCounts(counts) }));
    return { items, total, page, limit };
  }

  /** How many letters a launch would create now (the auto-sign members reachable times the officials); zero unless the appeal is a draft. */
  async lettersAtLaunch(id: string): Promise<LaunchCount> {
    const appeal = await this.appeals.findById(id);
    if (!appeal) throw new NotFoundError('Appeal');
    if (appeal.status !== 'draft') return { letters: 0, members: 0, officials: 0 };
    return this.letterRows.countForAutoSigners(id);
  }

  /**
   * What the console's appeal page shows: the appeal with its letter counts, its case's name,
   * its templates, its letter to each official as the worker would render it, how many notes
   * wait for moderation, and what waits for a print run with the latest `printRuns` runs.
   * One statement: the whole record, or, with its content kept (AppealContentService), only
   * its live part; the letters are rendered once a day per kept content.
   */
  async record(id: string, printRuns: number): Promise<AppealRecord> {
    const kept = this.content.get(id);
    if (kept) {
      const live = await this.appeals.liveOf(id, printRuns);
      if (!live) throw new NotFoundError('Appeal');
      return this.recordFrom(kept, live);
    }
    const mark = this.content.mark();
    const row = await this.appeals.recordOf(id, printRuns);
    if (!row) throw new NotFoundError('Appeal');
    const { id: appealId, caseId, title, deadline, createdAt, templateIds, officialIds, case: record, templates, officials, ...live } = row;
    const content = this.content.keep(id, { id: appealId, caseId, title, deadline, createdAt, templateIds, officialIds, case: record, templates, officials }, mark);
    return this.recordFrom(content, live);
  }

  private recordFrom(content: AppealContentRow, live: AppealLiveRow): AppealRecord {
    const { counts, heldNotes, awaitingPost, awaitingCards, printRuns: runs, printRunsTotal, channel, moderation, status, launchedAt } = live;
    const { case: record, templates, title } = content;
    return {
      appeal: { id: content.id, caseId: content.caseId, title, channel, moderation, status, deadline: content.deadline, launchedAt, createdAt: content.createdAt, templateIds: content.templateIds, officialIds: content.officialIds, letters: letterCounts(counts) },
      case: { id: record.id, name: record.name },
      templates: templates.map((template) => ({ id: template.id, name: template.name, language: template.language })),
      letters: this.previewsOf(content),
      heldNotes,
      print: { awaiting: awaitingPost, cards: awaitingCards, runs: runs.map((run) => ({ ...run, createdAt: new Date(run.createdAt) })), runsTotal: printRunsTotal },
    };
  }

  /**
   * The appeal's letter to each official as the worker would render it (the one rendering
   * path: the official's language chooses among the appeal's templates), with no signer yet.
   * A letter that cannot render (a missing translation) carries the reason instead. Rendered
   * once per content and day (a letter carries its date), and kept with kept content.
   */
  private previewsOf(content: AppealContentRow): readonly AppealLetterPreview[] {
    const now = new Date();
    const day = Math.floor(now.getTime() / 86_400_000);
    const known = this.previews.get(content);
    if (known && known.day === day) return known.letters;
    const { case: record, templates, officials, title: appealTitle } = content;
    const letters = officials.map((official): AppealLetterPreview => {
      try {
        const letter = this.renderer.renderFor(templates, official.language, { case: record, official, supporter: null, note: null, appealTitle, date: now });
        if (!letter) return { official, templateName: null, language: null, subject: null, body: null, error: 'no template' };
        return { official, templateName: letter.template.name, language: letter.language, subject: letter.subject, body: letter.body, error: null };
      } catch (error) {
        if (error instanceof DomainError) return { official, templateName: null, language: null, subject: null, body: null, error: error.message };
        throw error;
      }
    });
    if (Object.isFrozen(content)) this.previews.set(content, { day, letters: Object.freeze(letters) });
    return letters;
  }

  /**
   * Moves an appeal on. The status check and the change are one statement, so two clicks
   * cannot both win; a launch creates the auto-signers' letters in the same transaction.
   */
  async transition(id: string, action: keyof typeof TRANSITIONS, actorId?: string): Promise<AppealView> {
    const { from, to } = TRANSITIONS[action];
    const range = await this.db.transaction(async (manager) => {
      await lockAppeals(manager, [id]);
      if (action === 'launch' && (await this.appeals.statusOf(manager, id)) === 'draft') {
        assertTranslatedForLaunch(await this.appeals.launchTemplatesOf(manager, [id]), [id]);
        await this.assertReachable(manager, [id], 'appeal_invalid');
        await this.assertPrintable(manager, [id], 'appeal_invalid');
      }
      if (!(await this.appeals.moveStatus(manager, id, from, to, action === 'launch'))) {
        const appeal = await this.appeals.findById(id, manager);
        if (!appeal) throw new NotFoundError('Appeal');
        throw new DomainError('appeal_status', `Cannot ${action} an appeal that is ${appeal.status}`);
      }
      if (action === 'cancel') await this.letterRows.cancelQueuedOfAppeal(manager, id);
      await this.audit.record({ actorId, action: `appeal.${action}`, subjectType: 'appeal', subjectId: id }, manager);
      return action === 'launch' ? this.letters.createForAutoSigners(manager, id) : null;
    });
    // Jobs only after the letters are committed rows.
    await this.letters.enqueue(range);
    if (action === 'resume') await this.letters.enqueueQueuedOfAppeal(id);
    return this.get(id);
  }

  /**
   * Refuses (`code`, 400) appeals whose officials, edited since the draft was made, lost the
   * address each appeal's channel needs: a launch, and a cycle's opening of its appeals.
   */
  async assertReachable(manager: EntityManager, appealIds: string[], code: 'appeal_invalid' | 'cycle_appeal_unreachable'): Promise<void> {
    const addresses = await this.appeals.addressesOf(manager, appealIds);
    const problems = appealIds.flatMap((appealId) => {
      const officials = addresses.filter((row) => row.appealId === appealId);
      const problem = officials.length > 0 ? unreachableProblem(officials[0].channel, officials) : null;
      if (!problem) return [];
      return [code === 'cycle_appeal_unreachable' ? `appealIds: appeal ${appealId}: ${problem.replace(/^officialIds: /, 'official ')}` : problem];
    });
    if (problems.length > 0) throw new DomainError(code, problems);
  }

  /** Refuses (`code`, 400) post and email-then-post appeals with a template the print fonts cannot set, naming the templates and the characters. */
  async assertPrintable(manager: EntityManager, appealIds: string[], code: 'appeal_invalid' | 'cycle_appeal_unprintable'): Promise<void> {
    const unprintable = unprintableTemplates(await this.appeals.printedTemplatesOf(manager, appealIds));
    if (unprintable.length > 0) throw new TemplateUnprintableError(code, unprintable);
  }

  /** A member signs as itself; signing again returns the same signature and creates no letter. */
  async sign(caller: Caller, appealId: string, input: SignAppealDto): Promise<SignatureResult> {
    const [supporter] = await preparedQuery<{ signatureStyle: SignatureStyle }>(this.db, 'qalam_signer_style', `SELECT signature_style AS "signatureStyle" FROM supporters WHERE id = $1`, [caller.id]);
    if (!supporter) throw new NotFoundError('Supporter');
    const { range, status } = await this.db.transaction(async (manager) => {
      // Shared with other signers, exclusive to a status change, held until commit: a cancel
      // waits for signatures in flight, so no letter is left queued in a cancelled appeal.
      await lockAppealShared(manager, appealId);
      return this.signIn(manager, caller.id, supporter.signatureStyle, appealId, input);
    });
    // A paused appeal keeps the letters queued; resuming enqueues them.
    if (status === 'open') await this.letters.enqueue(range);
    const signature = await this.signatures.findOfSigner(appealId, caller.id);
    const letters = await this.letterRows.ofSignerInAppeal(caller.id, appealId);
    const { id, note: savedNote, noteStatus, signatureStyle, createdAt } = signature;
    return { signature: { id, appealId, supporterId: caller.id, note: savedNote, noteStatus, signatureStyle, createdAt }, letters };
  }

  /**
   * A member signs several appeals at once (the month's page), in one transaction: the
   * appeals' locks taken shared in one order (by id, as every locker takes them), so no
   * status change can deadlock with it; an appeal that takes no signatures (closed, or gone)
   * is `closed` and the others are signed all the same; any other refusal signs none. The
   * letters of open appeals are enqueued after the commit, as for one appeal.
   */
  async signMany(supporterId: string, items: { appealId: string; input: SignAppealDto }[]): Promise<Map<string, SignOutcome>> {
    const outcomes = new Map<string, SignOutcome>();
    if (items.length === 0) return outcomes;
    const [supporter] = await preparedQuery<{ signatureStyle: SignatureStyle }>(this.db, 'qalam_signer_style', `SELECT signature_style AS "signatureStyle" FROM supporters WHERE id = $1`, [supporterId]);
    if (!supporter) throw new NotFoundError('Supporter');
    const ranges = await this.db.transaction(async (manager) => {
      await lockAppealsShared(manager, items.map((item) => item.appealId));
      const atOnce = await this.signAllAtOnce(manager, supporterId, supporter.signatureStyle, items);
      if (atOnce) {
        for (const { appealId } of items) outcomes.set(appealId, 'signed');
        return atOnce;
      }
      const open: BatchRange[] = [];
      for (const { appealId, input } of items) {
        try {
          const { range, status } = await this.signIn(manager, supporterId, supporter.signatureStyle, appealId, input);
          outcomes.set(appealId, 'signed');
          // A paused appeal keeps the letters queued; resuming enqueues them.
          if (status === 'open' && range) open.push(range);
        } catch (error) {
          // Refused before any statement of its own failed: the transaction goes on for the others.
          if (!isDomainError(error, 'appeal_not_open', 'not_found')) throw error;
          outcomes.set(appealId, 'closed');
        }
      }
      return open;
    });
    await this.letters.enqueueAll(ranges);
    return outcomes;
  }

  /**
   * The usual post, every chosen appeal open, no note held, no style refused: all the
   * signatures and their letters in one statement, so that the counters' locks (taken at its
   * end, held to the commit) wait on no round trip but the commit, rather than on four per
   * appeal. Null when any appeal is otherwise: then each is signed in turn (signIn),
   * which says what became of each.
   */
  private async signAllAtOnce(manager: EntityManager, supporterId: string, defaultStyle: SignatureStyle, items: { appealId: string; input: SignAppealDto }[]): Promise<BatchRange[] | null> {
    if (new Set(items.map((item) => item.appealId)).size !== items.length) return null;
    const states = await this.appeals.signingStatesOf(manager, items.map((item) => item.appealId));
    const signatures: { appealId: string; note: string | null; signatureStyle: SignatureStyle }[] = [];
    for (const { appealId, input } of items) {
      const state = states.get(appealId);
      const note = input.note?.trim() ? input.note.trim() : null;
      if (!state || state.status !== 'open' || (state.risk === 'high' && input.signatureStyle === 'full') || noteHeld(state.moderation, note)) return null;
      signatures.push({ appealId, note, signatureStyle: safeSigning(state.risk, input.signatureStyle ?? defaultStyle, null).style });
    }
    const range = await this.letters.signWithLetters(manager, supporterId, signatures);
    return range ? [range] : [];
  }

  /**
   * Signs one appeal in the caller's transaction, which holds the appeal's lock shared: the
   * signature (unless there is one) and its letters, `held` when moderation holds the note.
   */
  private async signIn(manager: EntityManager, supporterId: string, defaultStyle: SignatureStyle, appealId: string, input: SignAppealDto): Promise<{ range: BatchRange | null; status: AppealStatus }> {
    const note = input.note?.trim() ? input.note.trim() : null;
    const appeal = await this.appeals.signingStateOf(manager, appealId);
    if (!appeal) throw new NotFoundError('Appeal');
    const { status, risk } = appeal;
    if (status !== 'open' && status !== 'paused') {
      throw new DomainError('appeal_not_open', `This appeal is ${status}: it takes no signatures`);
    }
    // A high-risk case takes no full name: asked for, it is refused; a member's default of full signs with initials.
    if (risk === 'high' && input.signatureStyle === 'full') {
      throw new DomainError('appeal_invalid', 'signatureStyle: this case is high risk: sign with initials or anonymously');
    }
    const signatureStyle = safeSigning(risk, input.signatureStyle ?? defaultStyle, null).style;
    const held = noteHeld(appeal.moderation, note);
    const signatureId = await this.signatures.insertUnlessSigned(manager, { appealId, supporterId, note, signatureStyle, noteStatus: held ? 'held' : null });
    return { range: signatureId ? await this.letters.createForSignature(manager, signatureId, held ? 'held' : 'queued') : null, status };
  }
}

/** What signing one appeal of several did: `signed` (now, or already before), or `closed` (it takes no signatures, or is gone). */
export type SignOutcome = 'signed' | 'closed';
/** Whether an appeal's moderation holds this note (a signature without a note is never held). */
export function noteHeld(moderation: AppealModeration, note: string | null): boolean {
  if (!note) return false;
  return moderation === 'all' || (moderation === 'links' && noteHasLink(note));
}

/** The problem naming the officials who cannot be written to on the channel, or null when all can. */
function unreachableProblem(channel: AppealChannel, officials: { id: string; email: string | null; postalAddress: string | null }[]): string | null {
  const unreachable = officials.filter((official) => !reachableOn(channel, official));
  if (unreachable.length === 0) return null;
  return `officialIds: ${unreachable.map((o) => o.id).join(', ')} ha${unreachable.length > 1 ? 've' : 's'} ${CHANNEL_NEEDS[channel]}`;
}

/** What a launch would create: `letters` = `members` x `officials`. */
export interface LaunchCount {
  letters: number;
  members: number;
  officials: number;
}

/** An appeal as its console page shows it (AppealsService.record). */
export interface AppealRecord {
  appeal: AppealView;
  case: { id: string; name: string };
  /** In the coordinator's order: the first is the fallback language. */
  templates: { id: string; name: string; language: string }[];
  letters: readonly AppealLetterPreview[];
  /** How many signers' notes wait for moderation. */
  heldNotes: number;
  print: PrintFigures;
}

/** One official's letter of an appeal, as it would be sent (no signer yet), or why it cannot be. */
export interface AppealLetterPreview {
  official: { id: string; name: string; title: string; organisation: string | null; language: string };
  templateName: string | null;
  language: string | null;
  subject: string | null;
  body: string | null;
  error: string | null;
}

function letterCounts(rows: LetterCountRow[]): AppealView['letters'] {
  const letters: AppealView['letters'] = Object.fromEntries([...LETTER_STATUSES, 'total'].map((status) => [status, 0])) as Record<LetterStatus | 'total', number>;
  for (const { status, count } of rows) {
    letters[status] = count;
    letters.total += count;
  }
  return letters;
}
