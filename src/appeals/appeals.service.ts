import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { Caller } from '../common/auth/current-supporter.decorator';
import { Case } from '../cases/case.entity';
import { ConflictError, InvalidError, NotFoundError } from '../common/errors';
import { Page } from '../common/pagination';
import { LETTER_STATUSES, LetterStatus } from '../letters/letter.entity';
import { LettersService } from '../delivery/letters.service';
import { Official } from '../officials/official.entity';
import { Supporter } from '../supporters/supporter.entity';
import { Template } from '../templates/template.entity';
import { Appeal, AppealStatus } from './appeal.entity';
import { assertTranslatedForLaunch } from './appeal-languages';
import { AppealListQuery, AppealView, CreateAppealDto, SignAppealDto, SignatureResult } from './dto/appeal.dto';
import { Signature } from '../letters/signature.entity';

/** Which transitions a coordinator may make, and to what. */
const TRANSITIONS: Record<'launch' | 'pause' | 'resume' | 'cancel', { from: AppealStatus[]; to: AppealStatus }> = {
  launch: { from: ['draft'], to: 'open' },
  pause: { from: ['open'], to: 'paused' },
  resume: { from: ['paused'], to: 'open' },
  cancel: { from: ['draft', 'open', 'paused'], to: 'cancelled' },
};

@Injectable()
export class AppealsService {
  constructor(
    @InjectRepository(Appeal) private readonly appeals: Repository<Appeal>,
    @InjectRepository(Template) private readonly templates: Repository<Template>,
    @InjectRepository(Official) private readonly officials: Repository<Official>,
    @InjectRepository(Case) private readonly cases: Repository<Case>,
    @InjectRepository(Supporter) private readonly supporters: Repository<Supporter>,
    @Inject(LettersService) private readonly letters: LettersService,
    @Inject(DataSource) private readonly db: DataSource,
  ) {}

  async create(input: CreateAppealDto): Promise<AppealView> {
    const [record, templates, officials] = await Promise.all([
      this.cases.findOne({ where: { id: input.caseId } }),
      this.templates.findBy({ id: In(input.templateIds) }),
      this.officials.findBy({ id: In(input.officialIds) }),
    ]);
    if (!record) throw new InvalidError('case_unknown', 'caseId: no such case');
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
    const unreachable = officials.filter((official) => !official.email);
    if (unreachable.length > 0) problems.push(`officialIds: ${unreachable.map((o) => o.id).join(', ')} ha${unreachable.length > 1 ? 've' : 's'} no email address for the email channel`);
    if (problems.length > 0) throw new InvalidError('appeal_invalid', problems);

    // The coordinator's order of templates is stored: the first is the fallback language.
    const appeal = await this.db.transaction(async (manager) => {
      const saved = await manager.save(Appeal, manager.create(Appeal, { caseId: input.caseId, title: input.title, channel: input.channel ?? 'email', status: 'draft' }));
      await manager.query(
        `INSERT INTO appeal_templates (appeal_id, template_id, position) SELECT $1, t.id, t.position - 1 FROM unnest($2::uuid[]) WITH ORDINALITY AS t(id, position)`,
        [saved.id, input.templateIds],
      );
      await manager.query(`INSERT INTO appeal_officials (appeal_id, official_id) SELECT $1, unnest($2::uuid[])`, [saved.id, input.officialIds]);
      return saved;
    });
    return this.get(appeal.id);
  }

  async get(id: string): Promise<AppealView> {
    const appeal = await this.appeals.findOne({ where: { id } });
    if (!appeal) throw new NotFoundError('Appeal');
    const [links] = await this.db.query<{ template_ids: string[]; official_ids: string[] }[]>(
      `SELECT (SELECT coalesce(array_agg(template_id ORDER BY position), '{}') FROM appeal_templates WHERE appeal_id = $1) AS template_ids,
              (SELECT coalesce(array_agg(official_id ORDER BY official_id), '{}') FROM appeal_officials WHERE appeal_id = $1) AS official_ids`,
      [id],
    );
    const counts = await this.db.query<{ status: LetterStatus; count: number }[]>(
      `SELECT status, sum(count)::int AS count FROM letter_counts WHERE appeal_id = $1 GROUP BY status`,
      [id],
    );
    const letters = letterCounts(counts);
    return {
      id: appeal.id,
      caseId: appeal.caseId,
      title: appeal.title,
      channel: appeal.channel,
      status: appeal.status,
      templateIds: links.template_ids,
      officialIds: links.official_ids,
      launchedAt: appeal.launchedAt,
      createdAt: appeal.createdAt,
      letters,
    };
  }

  /** A page of appeals, oldest first, each with its links and letter counts (a fixed number of statements per page). */
  async list(query: AppealListQuery): Promise<Page<AppealView>> {
    const { page, limit } = query;
    const filter = [query.status ?? null, query.caseId ?? null];
    const where = `($1::text IS NULL OR a.status = $1) AND ($2::uuid IS NULL OR a.case_id = $2)`;
    const [rows, [{ total }]] = await Promise.all([
      this.db.query<(Omit<AppealView, 'letters'> & { counts: { status: LetterStatus; count: number }[] })[]>(
        `SELECT a.id, a.case_id AS "caseId", a.title, a.channel, a.status, a.launched_at AS "launchedAt", a.created_at AS "createdAt",
                (SELECT coalesce(array_agg(t.template_id ORDER BY t.position), '{}') FROM appeal_templates t WHERE t.appeal_id = a.id) AS "templateIds",
                (SELECT coalesce(array_agg(o.official_id ORDER BY o.official_id), '{}') FROM appeal_officials o WHERE o.appeal_id = a.id) AS "officialIds",
                (SELECT coalesce(json_agg(json_build_object('status', c.status, 'count', c.count)), '[]')
                   FROM (SELECT r.status, sum(r.count)::int AS count FROM letter_counts r WHERE r.appeal_id = a.id GROUP BY r.status) c) AS counts
           FROM appeals a WHERE ${where} ORDER BY a.created_at, a.id LIMIT $3 OFFSET $4`,
        [...filter, limit, (page - 1) * limit],
      ),
      this.db.query<{ total: number }[]>(`SELECT count(*)::int AS total FROM appeals a WHERE ${where}`, filter),
    ]);
    const items = rows.map(({ counts, ...appeal }) => ({ ...appeal, letters: letterCounts(counts) }));
    return { items, total, page, limit };
  }

  /**
   * Moves an appeal on. The status check and the change are one statement, so two clicks
   * cannot both win; a launch creates the auto-signers' letters in the same transaction.
   */
  async transition(id: string, action: keyof typeof TRANSITIONS): Promise<AppealView> {
    const { from, to } = TRANSITIONS[action];
    const range = await this.db.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('appeal/' || $1::text, 0))`, [id]);
      if (action === 'launch' && (await manager.query<{ status: AppealStatus }[]>(`SELECT status FROM appeals WHERE id = $1`, [id]))[0]?.status === 'draft') {
        await assertTranslatedForLaunch(manager, [id]);
      }
      const [rows] = await manager.query<[{ id: string }[], number]>(
        `UPDATE appeals SET status = $2, launched_at = CASE WHEN $3 THEN now() ELSE launched_at END, updated_at = now()
          WHERE id = $1 AND status = ANY($4::text[]) RETURNING id`,
        [id, to, action === 'launch', from],
      );
      if (rows.length === 0) {
        const appeal = await manager.findOne(Appeal, { where: { id } });
        if (!appeal) throw new NotFoundError('Appeal');
        throw new ConflictError('appeal_status', `Cannot ${action} an appeal that is ${appeal.status}`);
      }
      if (action === 'cancel') await this.letters.cancelQueued(manager, id);
      return action === 'launch' ? this.letters.createForAutoSigners(manager, id) : null;
    });
    // Jobs only after the letters are committed rows.
    await this.letters.enqueue(range);
    if (action === 'resume') await this.letters.enqueueQueuedOfAppeal(id);
    return this.get(id);
  }

  /** A member signs as itself; signing again returns the same signature and creates no letter. */
  async sign(caller: Caller, appealId: string, input: SignAppealDto): Promise<SignatureResult> {
    const supporter = await this.supporters.findOne({ where: { id: caller.id } });
    if (!supporter) throw new NotFoundError('Supporter');
    const note = input.note?.trim() ? input.note.trim() : null;
    const { range, status } = await this.db.transaction(async (manager) => {
      // Shared with other signers, exclusive to a status change, held until commit: a cancel
      // waits for signatures in flight, so no letter is left queued in a cancelled appeal.
      await manager.query(`SELECT pg_advisory_xact_lock_shared(hashtextextended('appeal/' || $1::text, 0))`, [appealId]);
      const [appeal] = await manager.query<{ status: AppealStatus }[]>(`SELECT status FROM appeals WHERE id = $1`, [appealId]);
      if (!appeal) throw new NotFoundError('Appeal');
      if (appeal.status !== 'open' && appeal.status !== 'paused') {
        throw new ConflictError('appeal_not_open', `This appeal is ${appeal.status}: it takes no signatures`);
      }
      const [signature] = await manager.query<{ id: string }[]>(
        `INSERT INTO signatures (appeal_id, supporter_id, note, signature_style) VALUES ($1, $2, $3, $4)
         ON CONFLICT (supporter_id, appeal_id) DO NOTHING RETURNING id`,
        [appealId, caller.id, note, input.signatureStyle ?? supporter.signatureStyle],
      );
      return { range: signature ? await this.letters.createForSignature(manager, signature.id) : null, status: appeal.status };
    });
    // A paused appeal keeps the letters queued; resuming enqueues them.
    if (status === 'open') await this.letters.enqueue(range);
    const signature = await this.db.getRepository(Signature).findOneOrFail({ where: { appealId, supporterId: caller.id } });
    const letters = await this.db.query<SignatureResult['letters']>(
      `SELECT id, official_id AS "officialId", status FROM letters WHERE supporter_id = $1 AND appeal_id = $2 ORDER BY official_id`,
      [caller.id, appealId],
    );
    const { id, note: savedNote, signatureStyle, createdAt } = signature;
    return { signature: { id, appealId, supporterId: caller.id, note: savedNote, signatureStyle, createdAt }, letters };
  }
}

function letterCounts(rows: { status: LetterStatus; count: number }[]): AppealView['letters'] {
  const letters: AppealView['letters'] = Object.fromEntries([...LETTER_STATUSES, 'total'].map((status) => [status, 0])) as Record<LetterStatus | 'total', number>;
  for (const { status, count } of rows) {
    letters[status] = count;
    letters.total += count;
  }
  return letters;
}
