import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { assertTranslatedForLaunch } from '../appeals/appeal-languages';
import { AppealsService } from '../appeals/appeals.service';
import { SignatureResult } from '../appeals/dto/appeal.dto';
import { SignAppealDto } from '../appeals/dto/appeal.dto';
import { ConflictError, InvalidError, NotFoundError } from '../common/errors';
import { Page } from '../common/pagination';
import { LettersService } from '../delivery/letters.service';
import { reachableMember } from '../supporters/member-filters';
import { LinkInvalidError } from '../supporters/member-errors';
import { MemberTokenService } from '../supporters/member-token.service';
import { CycleMailService } from './cycle-mail.service';
import { Cycle } from './cycle.entity';
import { CreateCycleDto, CycleView, MemberAppealView, MemberCycleView } from './dto/cycle.dto';

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
 *   open(id: string): Promise<CycleView>                              409 unless draft, or if an appeal no longer takes signatures
 *   remind(id: string): Promise<{ queued: number }>                   409 unless open, if reminded already or before reminderAfterDays
 *
 * For the signing pages (a member who arrives with the sign link of their invitation):
 *   memberOfSignLink(token: string): Promise<{ cycleId: string; supporterId: string }>
 *       LinkInvalidError (404, a clear message) if the token is tampered, expired, not a sign
 *       link, or its member is gone, unconfirmed or unsubscribed, or its cycle is not open.
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
    @InjectRepository(Cycle) private readonly cycles: Repository<Cycle>,
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(LettersService) private readonly letters: LettersService,
    @Inject(CycleMailService) private readonly cycleMail: CycleMailService,
    @Inject(AppealsService) private readonly appeals: AppealsService,
    @Inject(MemberTokenService) private readonly tokens: MemberTokenService,
  ) {}

  async create(input: CreateCycleDto): Promise<CycleView> {
    const found = await this.db.query<{ id: string; status: string }[]>(`SELECT id, status FROM appeals WHERE id = ANY($1::uuid[])`, [input.appealIds]);
    const problems: string[] = [];
    const missing = input.appealIds.filter((id) => !found.some((appeal) => appeal.id === id));
    if (missing.length > 0) problems.push(`appealIds: no such appeal ${missing.join(', ')}`);
    for (const appeal of found.filter((appeal) => !BUNDLED_STATUSES.includes(appeal.status))) {
      problems.push(`appealIds: ${appeal.id} is ${appeal.status}; a cycle bundles draft or open appeals`);
    }
    if (problems.length > 0) throw new InvalidError('cycle_invalid', problems);
    const id = await this.db.transaction(async (manager) => {
      const cycle = await manager.save(Cycle, manager.create(Cycle, { month: input.month, title: input.title, reminderAfterDays: input.reminderAfterDays ?? null, status: 'draft' }));
      // The coordinator's order is the order members read the cases in.
      await manager.query(`INSERT INTO cycle_appeals (cycle_id, appeal_id, position) SELECT $1, id, position - 1 FROM unnest($2::uuid[]) WITH ORDINALITY AS a(id, position)`, [
        cycle.id,
        input.appealIds,
      ]);
      return cycle.id;
    });
    return this.get(id);
  }

  async get(id: string): Promise<CycleView> {
    const [view] = await this.views(`c.id = $1`, [id]);
    if (!view) throw new NotFoundError('Cycle');
    return view;
  }

  async list(page: number, limit: number): Promise<Page<CycleView>> {
    const [items, [{ total }]] = await Promise.all([
      this.views(`true ORDER BY c.month DESC, c.created_at DESC, c.id LIMIT $1 OFFSET $2`, [limit, (page - 1) * limit]),
      this.db.query<{ total: number }[]>(`SELECT count(*)::int AS total FROM cycles`),
    ]);
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
      const [cycle] = await manager.query<{ status: string }[]>(`SELECT status FROM cycles WHERE id = $1 FOR UPDATE`, [id]);
      if (!cycle) throw new NotFoundError('Cycle');
      if (cycle.status !== 'draft') throw new ConflictError('cycle_status', `This cycle is ${cycle.status}: a cycle opens once, and its members were invited then`);
      const appealIds = (await manager.query<{ appeal_id: string }[]>(`SELECT appeal_id FROM cycle_appeals WHERE cycle_id = $1 ORDER BY appeal_id`, [id])).map((row) => row.appeal_id);
      // The lock AppealsService takes for a status change, in one order: a cancel or a pause
      // of one of these appeals waits for the open, and signers of them wait for its commit.
      for (const appealId of appealIds) await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('appeal/' || $1::text, 0))`, [appealId]);
      const appeals = await manager.query<{ id: string; status: string }[]>(`SELECT id, status FROM appeals WHERE id = ANY($1::uuid[]) ORDER BY id`, [appealIds]);
      const closed = appeals.filter((appeal) => !BUNDLED_STATUSES.includes(appeal.status));
      if (closed.length > 0) {
        throw new ConflictError('cycle_appeal_status', `Cannot open: ${closed.map((appeal) => `appeal ${appeal.id} is ${appeal.status}`).join(', ')}; a cycle opens with draft or open appeals only`);
      }
      // Its draft appeals are launched here: the same refusal as a launch of each.
      await assertTranslatedForLaunch(manager, appeals.filter((appeal) => appeal.status === 'draft').map((appeal) => appeal.id));
      await manager.query(`UPDATE appeals SET status = 'open', launched_at = now(), updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'draft'`, [appealIds]);
      const letters = await this.letters.createForAutoSignersOfAppeals(manager, appealIds);
      // Staff accounts are not invited; auto-signers have signed already.
      await manager.query(
        `INSERT INTO cycle_invitations (cycle_id, supporter_id)
         SELECT $1, s.id FROM supporters s WHERE s.role = 'member' AND NOT s.auto_sign AND ${reachableMember('s')}
         ON CONFLICT DO NOTHING`,
        [id],
      );
      await manager.query(`UPDATE cycles SET status = 'open', opened_at = now(), updated_at = now() WHERE id = $1`, [id]);
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
  async memberOfSignLink(token: string): Promise<{ cycleId: string; supporterId: string }> {
    const claims = this.tokens.verify('sign', token);
    if (!claims?.cycleId) throw new LinkInvalidError('sign');
    const [row] = await this.db.query<{ ok: boolean }[]>(
      `SELECT true AS ok FROM supporters s, cycles c WHERE s.id = $1 AND c.id = $2 AND c.status = 'open' AND ${reachableMember('s')}`,
      [claims.supporterId, claims.cycleId],
    );
    if (!row) throw new LinkInvalidError('sign');
    return { cycleId: claims.cycleId, supporterId: claims.supporterId };
  }

  /** One statement: the page answers fast for a cycle of twenty appeals. */
  async forMember(cycleId: string, supporterId: string): Promise<MemberCycleView> {
    const [row] = await this.db.query<(Omit<MemberCycleView, 'appeals' | 'member'> & { appeals: MemberAppealView[]; member: MemberCycleView['member'] | null })[]>(
      `SELECT c.id, trim(c.month) AS month, c.title, c.status, c.opened_at AS "openedAt",
              (SELECT json_build_object('id', s.id, 'name', s.name, 'language', s.language, 'country', s.country, 'city', s.city, 'signatureStyle', s.signature_style)
                 FROM supporters s WHERE s.id = $2) AS member,
              coalesce((
                SELECT json_agg(json_build_object(
                  'id', a.id, 'title', a.title, 'status', a.status, 'position', ca.position,
                  'case', json_build_object('id', k.id, 'name', k.name, 'country', k.country, 'profession', k.profession, 'status', k.status,
                    'summary', k.summary, 'charges', k.charges, 'detainedOn', to_char(k.detained_on, 'YYYY-MM-DD'),
                    'gender', k.gender, 'translations', k.translations,
                    'events', coalesce((SELECT json_agg(json_build_object('occurredOn', to_char(e.occurred_on, 'YYYY-MM-DD'), 'kind', e.kind,
                                          'description', e.description, 'sourceUrl', e.source_url) ORDER BY e.occurred_on, e.created_at, e.id)
                                          FROM case_events e WHERE e.case_id = k.id), '[]'::json)),
                  'officials', coalesce((SELECT json_agg(json_build_object('id', o.id, 'name', o.name, 'title', o.title, 'language', o.language,
                                          'salutation', o.salutation, 'organisation', o.organisation) ORDER BY o.name, o.id)
                                          FROM appeal_officials ao JOIN officials o ON o.id = ao.official_id WHERE ao.appeal_id = a.id), '[]'::json),
                  -- The coordinator's order, the letter sender's: the first is the fallback language. With
                  -- their texts, so that the page renders the letters through the one rendering path.
                  'templates', coalesce((SELECT json_agg(json_build_object('id', t.id, 'language', t.language, 'kind', t.kind, 'subject', t.subject,
                                          'body', t.body, 'version', t.version) ORDER BY at.position)
                                          FROM appeal_templates at JOIN templates t ON t.id = at.template_id WHERE at.appeal_id = a.id AND t.kind = 'appeal'), '[]'::json),
                  'signed', sg.id IS NOT NULL,
                  'signature', CASE WHEN sg.id IS NULL THEN NULL ELSE json_build_object('id', sg.id, 'note', sg.note, 'signatureStyle', sg.signature_style,
                                 'autoSigned', sg.auto_signed, 'createdAt', sg.created_at,
                                 'letters', coalesce((SELECT json_agg(json_build_object('officialId', l.official_id, 'status', l.status) ORDER BY l.official_id)
                                                        FROM letters l WHERE l.signature_id = sg.id), '[]'::json)) END
                ) ORDER BY ca.position)
                  FROM cycle_appeals ca JOIN appeals a ON a.id = ca.appeal_id JOIN cases k ON k.id = a.case_id
                  LEFT JOIN signatures sg ON sg.supporter_id = $2 AND sg.appeal_id = a.id
                 WHERE ca.cycle_id = c.id), '[]'::json) AS appeals
         FROM cycles c WHERE c.id = $1 AND c.status <> 'draft'`,
      [cycleId, supporterId],
    );
    if (!row) throw new NotFoundError('Cycle');
    if (!row.member) throw new NotFoundError('Supporter');
    return { ...row, member: row.member };
  }

  /** Signs one appeal of the cycle as the member; an appeal of another cycle is 404. */
  async sign(cycleId: string, supporterId: string, appealId: string, input: SignAppealDto): Promise<SignatureResult> {
    const [inCycle] = await this.db.query<{ reachable: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM supporters s WHERE s.id = $3 AND ${reachableMember('s')}) AS reachable FROM cycle_appeals WHERE cycle_id = $1 AND appeal_id = $2`,
      [cycleId, appealId, supporterId],
    );
    if (!inCycle) throw new NotFoundError('Appeal');
    // Unsubscribed, deactivated or unconfirmed since the link was checked: nothing goes in their name.
    if (!inCycle.reachable) throw new LinkInvalidError('sign');
    return this.appeals.sign({ id: supporterId, role: 'member' }, appealId, input);
  }

  private views(where: string, params: unknown[]): Promise<CycleView[]> {
    return this.db.query<CycleView[]>(
      `SELECT c.id, trim(c.month) AS month, c.title, c.status, c.reminder_after_days AS "reminderAfterDays",
              coalesce((SELECT array_agg(ca.appeal_id ORDER BY ca.position) FROM cycle_appeals ca WHERE ca.cycle_id = c.id), '{}') AS "appealIds",
              c.opened_at AS "openedAt", c.reminded_at AS "remindedAt", c.created_at AS "createdAt",
              (SELECT json_build_object('total', count(*), 'invited', count(ci.invited_at), 'reminded', count(ci.reminded_at))
                 FROM cycle_invitations ci WHERE ci.cycle_id = c.id) AS invitations
         FROM cycles c WHERE ${where}`,
      params,
    );
  }
}
