import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { assertTranslatedForLaunch } from '../appeals/appeal-languages';
import { AppealsRepository } from '../appeals/appeals.repository';
import { AppealsService, SignOutcome } from '../appeals/appeals.service';
import { SignatureResult } from '../appeals/dto/appeal.dto';
import { SignAppealDto } from '../appeals/dto/appeal.dto';
import { DomainError, NotFoundError } from '../common/errors';
import { Page } from '../common/pagination';
import { lockAppeals } from '../database/appeal-locks';
import { LettersService } from '../delivery/letters.service';
import { LinkInvalidError } from '../supporters/member-errors';
import { MemberTokenService } from '../supporters/member-token.service';
import { CycleMailService } from './cycle-mail.service';
import { MailingsRepository } from '../mailings/mailings.repository';
import { CyclesRepository, MemberPartRow } from './cycles.repository';
import { CycleContentService } from './cycle-content.service';
import { CreateCycleDto, CycleView, MemberCycleView } from './dto/cycle.dto';

/** Appeals a cycle may bundle: those that take signatures now or will when the cycle opens them. */
const BUNDLED_STATUSES = ['draft', 'open'];

/**
 * The month's cycles: a coordinator bundles appeals, opens the cycle (auto-signers signed to
 * every appeal, everyone else invited by email, once), and reminds whoever has not signed.
 *
 * For the coordinator's API:
 *   create(input: CreateCycleDto): Promise<CycleView>
 *   get(id: string): Promise<CycleView>                               404 if unknown
 *   list(page: number, limit: number): Promise<Page<CycleView>>
 *   open(id: string): Promise<CycleView>                              409 unless draft, or if an appeal no longer takes signatures;
 *                                                                     400 if an appeal's official lost the address its channel needs,
 *                                                                     or a draft post appeal has a template the print fonts cannot set
 *   remind(id: string): Promise<{ queued: number }>                   409 unless open, if reminded already or before reminderAfterDays
 *
 * For the signing pages (a member who arrives with the sign link of their invitation):
 *   forSignLink(token: string): Promise<MemberCycleView>
 *       forMember for the link's member and cycle, read with the rule of who may use it, in
 *       the same statement: LinkInvalidError (404, a clear message) if the token is tampered,
 *       expired, not a sign link, or its member is gone, unconfirmed or unsubscribed, or its
 *       cycle is not open.
 *   forMember(cycleId: string, supporterId: string): Promise<MemberCycleView>
 *       the cycle and its appeals in order, each with its case (translations and timeline),
 *       officials, templates (in the coordinator's order, with their texts) and this member's
 *       signature and its letters; 404 for a draft or unknown cycle.
 *   sign(cycleId: string, supporterId: string, appealId: string, input: SignAppealDto): Promise<SignatureResult>
 *       AppealsService.sign for an appeal of this cycle (404 for any other appeal); signing
 *       again returns the same signature.
 */
@Injectable()
export class CyclesService {
  private readonly logger = new Logger(CyclesService.name);

  constructor(
    @Inject(CyclesRepository) private readonly cycles: CyclesRepository,
    @Inject(AppealsRepository) private readonly appealRows: AppealsRepository,
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(LettersService) private readonly letters: LettersService,
    @Inject(CycleMailService) private readonly cycleMail: CycleMailService,
    @Inject(AppealsService) private readonly appeals: AppealsService,
    @Inject(MemberTokenService) private readonly tokens: MemberTokenService,
    @Inject(MailingsRepository) private readonly mailings: MailingsRepository,
    @Inject(CycleContentService) private readonly content: CycleContentService,
  ) {}

  async create(input: CreateCycleDto): Promise<CycleView> {
    const found = await this.appealRows.statusesOf(input.appealIds);
    const problems: string[] = [];
    const missing = input.appealIds.filter((id) => !found.some((appeal) => appeal.id === id));
    if (missing.length > 0) problems.push(`appealIds: no such appeal ${missing.join(', ')}`);
    for (const appeal of found.filter((appeal) => !BUNDLED_STATUSES.includes(appeal.status))) {
      problems.push(`appealIds: ${appeal.id} is ${appeal.status}; a cycle bundles draft or open appeals`);
    }
    if (problems.length > 0) throw new DomainError('cycle_invalid', problems);
    const id = await this.db.transaction((manager) =>
      this.cycles.insertDraft(manager, { month: input.month, title: input.title, reminderAfterDays: input.reminderAfterDays ?? null, appealIds: input.appealIds }),
    );
    return this.get(id);
  }

  async get(id: string): Promise<CycleView> {
    const view = await this.cycles.findView(id);
    if (!view) throw new NotFoundError('Cycle');
    return view;
  }

  async list(page: number, limit: number): Promise<Page<CycleView>> {
    const { items, total } = await this.cycles.page(page, limit);
    return { items, total, page, limit };
  }

  /**
   * Opens the cycle: its draft appeals are launched, every auto-sign member is signed to
   * each appeal, and every other member is to be invited, all in one transaction that also
   * makes the cycle open, so that a second open (409) neither signs nor invites anyone.
   * Letters and invitations are queued after the commit, as batches of ids.
   */
  async open(id: string): Promise<CycleView> {
    const range = await this.db.transaction(async (manager) => {
      const status = await this.cycles.lockStatus(manager, id);
      if (!status) throw new NotFoundError('Cycle');
      if (status !== 'draft') throw new DomainError('cycle_status', `This cycle is ${status}: a cycle opens once, and its members were invited then`);
      const appealIds = await this.cycles.appealIdsOf(manager, id);
      // The lock AppealsService takes for a status change, in one order: a cancel or a pause
      // of one of these appeals waits for the open, and signers of them wait for its commit.
      await lockAppeals(manager, appealIds);
      const appeals = await this.appealRows.statusesOf(appealIds, manager);
      const closed = appeals.filter((appeal) => !BUNDLED_STATUSES.includes(appeal.status));
      if (closed.length > 0) {
        throw new DomainError('cycle_appeal_status', `Cannot open: ${closed.map((appeal) => `appeal ${appeal.id} is ${appeal.status}`).join(', ')}; a cycle opens with draft or open appeals only`);
      }
      // Its draft appeals are launched here: the same refusal as a launch of each.
      const drafts = appeals.filter((appeal) => appeal.status === 'draft').map((appeal) => appeal.id);
      assertTranslatedForLaunch(await this.appealRows.launchTemplatesOf(manager, drafts), drafts);
      await this.appeals.assertPrintable(manager, drafts, 'cycle_appeal_unprintable');
      // Every appeal, open ones too, gets the auto-signers' letters now: each official must still be reachable on its appeal's channel.
      await this.appeals.assertReachable(manager, appealIds, 'cycle_appeal_unreachable');
      await this.appealRows.launchDrafts(manager, appealIds);
      const letters = await this.letters.createForAutoSignersOfAppeals(manager, appealIds);
      // Staff accounts are not invited; auto-signers have signed already.
      await this.mailings.inviteMembers(manager, id);
      await this.cycles.markOpen(manager, id);
      return letters;
    });
    // Jobs only for committed rows; a lost enqueue is found again by the reconciler (letters) and the cycle timer (invitations).
    await this.letters.enqueue(range);
    await this.cycleMail.enqueueInvitations(id).catch((error: Error) => {
      // The invitations are rows: the cycle timer queues them once Redis (or Postgres) is back.
      this.logger.warn(`Invitations of cycle ${id} not queued now (${error.message.slice(0, 120)}): the cycle check will queue them`);
    });
    return this.get(id);
  }

  remind(id: string): Promise<{ queued: number }> {
    return this.cycleMail.remind(id);
  }

  /** The member and cycle a sign link is for, if the link is genuine, unexpired, and still applies. */
  async forSignLink(token: string): Promise<MemberCycleView> {
    const claims = this.tokens.verify('sign', token);
    if (!claims?.cycleId) throw new LinkInvalidError('sign');
    const [content, own] = await Promise.all([this.content.content(claims.cycleId), this.cycles.memberPart(claims.cycleId, claims.supporterId)]);
    if (!own.open) throw new LinkInvalidError('sign');
    return viewOf(content, own);
  }

  /**
   * The cycle's content as every member sees it (kept in memory: CycleContentService) with
   * this member's own part read now (their row and signatures, one prepared statement).
   */
  async forMember(cycleId: string, supporterId: string): Promise<MemberCycleView> {
    const [content, own] = await Promise.all([this.content.content(cycleId), this.cycles.memberPart(cycleId, supporterId)]);
    return viewOf(content, own);
  }

  /** Signs one appeal of the cycle as the member; an appeal of another cycle is 404. */
  async sign(cycleId: string, supporterId: string, appealId: string, input: SignAppealDto): Promise<SignatureResult> {
    const inCycle = await this.cycles.appealInCycle(cycleId, appealId, supporterId);
    if (!inCycle) throw new NotFoundError('Appeal');
    // Unsubscribed, deactivated or unconfirmed since the link was checked: nothing goes in their name.
    if (!inCycle.reachable) throw new LinkInvalidError('sign');
    return this.appeals.sign({ id: supporterId, role: 'member' }, appealId, input);
  }

  /**
   * Several of the cycle's appeals signed at once (the month's page: AppealsService.signMany,
   * one transaction); each appeal `signed` or `closed`, an appeal of another cycle `closed`.
   */
  async signMany(cycleId: string, supporterId: string, items: { appealId: string; input: SignAppealDto }[]): Promise<Map<string, SignOutcome>> {
    // Unsubscribed, deactivated or unconfirmed since the link was checked: nothing goes in their name.
    if (!(await this.cycles.isOpenToMember(cycleId, supporterId))) throw new LinkInvalidError('sign');
    const ofCycle = new Set(await this.cycles.appealIdsOf(this.db.manager, cycleId));
    const outcomes = await this.appeals.signMany(supporterId, items.filter((item) => ofCycle.has(item.appealId)));
    for (const item of items) if (!ofCycle.has(item.appealId)) outcomes.set(item.appealId, 'closed');
    return outcomes;
  }
}

/** The page's content and the member's own part, put together; 404 for a draft or unknown cycle or a supporter gone. */
function viewOf(content: Awaited<ReturnType<CycleContentService['content']>>, own: MemberPartRow): MemberCycleView {
  if (!content) throw new NotFoundError('Cycle');
  if (!own.member) throw new NotFoundError('Supporter');
  const appeals = content.appeals.map((appeal) => {
    const signature = own.signatures[appeal.id] ?? null;
    return { ...appeal, signed: signature !== null, signature };
  });
  return { ...content, member: own.member, appeals, messageBoxes: own.messageBoxes };
}
