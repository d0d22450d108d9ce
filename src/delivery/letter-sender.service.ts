import { goesByEmail } from '../letters/letter-channel';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { outageOf, persist } from '../common/outage';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { senderName } from '../templates/letter-context';
import { LetterRendererService } from '../templates/letter-renderer.service';
import { AppealTemplate, letterPartsOf, LetterRow, letterRowColumns, letterRowJoins } from './letter-row';
import { DeliveryProgressService } from './delivery-progress.service';
import { LetterWithheld, MailTransportService, OutcomeKind } from './mail-transport.service';
import { decidePace, OfficialPace } from './pacing';
import { afterEmailGaveUp, EmailGivenUp } from './post-fallback';
import { transientFailureIsFinal } from './retry-policy';
import { WorkerRegistryService } from './worker-registry.service';

/** A claimed letter: its row, and what the claim knows of its attempts. */
interface ClaimedRow extends LetterRow {
  attempts: number;
  /** The first transient failure of this letter, if any: retries are bounded by time as well as attempts. */
  retry_since: Date | null;
}

interface Outcome {
  id: string;
  /** The template version the letter was rendered from, when it was. */
  templateVersionId?: string | null;
  status: 'queued' | 'sent' | 'failed' | 'unknown';
  detail: string;
  /** The address to suppress after a permanent refusal. */
  suppress: string | null;
  /** The server's answer, when `detail` says more (a letter gone to post): the suppression's reason. */
  reply?: string;
  /** A transient failure (4xx, connection): starts the letter's retry window. */
  transient?: boolean;
  /** `post`: an `email-then-post` letter that email gave up on, queued again for a print run (never claimed by email again). */
  channel?: 'post' | null;
}

/**
 * A batch running already: in this process (BullMQ handed it out again), or in another worker
 * whose job lock lapsed while it still sends. The new run waits and tries later.
 */
export class BatchBusyError extends Error {
  constructor(batchId: string, where: 'here' | 'elsewhere' = 'here') {
    super(where === 'here' ? `batch ${batchId} is running in this worker already` : `batch ${batchId} is still being sent by a live worker`);
  }
}

export interface BatchResult {
  claimed: number;
  sent: number;
  retry: number;
  failed: number;
  unknown: number;
  /** Letters of `email-then-post` appeals that email gave up on, now waiting for post. */
  post: number;
  /** Letters taken over from a dead worker. */
  recovered: number;
  /** Letters that wait for an official's pace, and when to look at them again. */
  waiting: number;
  retryAt: Date | null;
  /** The most attempts of a letter that met a transient failure: the backoff's round. */
  retryRound: number;
}

/** How long a batch's outcomes are retried against an unreachable Postgres before the job gives up (its marks stay for the next run). */
const RECORD_PATIENCE_MS = 10 * 60_000;

const SUPPRESSED = 'the address was suppressed after a permanent refusal';

const CLAIMED_COLUMNS = `${letterRowColumns('c')}, c.attempts, c.retry_since`;

const CLAIMED_JOINS = letterRowJoins('c');

@Injectable()
export class LetterSenderService {
  private readonly logger = new Logger(LetterSenderService.name);
  private readonly templatesOfAppeal = new Map<string, AppealTemplate[]>();
  /**
   * Addresses refused with a 5xx since this process started: letters to them still waiting
   * in the pool are withheld at once, before the suppression reaches Postgres.
   */
  private readonly refused = new Map<string, string>();

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(MailTransportService) private readonly mail: MailTransportService,
    @Inject(DeliveryProgressService) private readonly progress: DeliveryProgressService,
    @Inject(WorkerRegistryService) private readonly registry: WorkerRegistryService,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
    @Inject(LetterRendererService) private readonly renderer: LetterRendererService,
  ) {}

  /** Set when the process is stopping: a record that cannot reach Postgres then gives up at once, leaving its marks for the next run. */
  stopping = false;

  /**
   * Resolves what an earlier run left of this batch, claims what may go now (one
   * statement), renders, sends, and records every outcome (one statement). The progress
   * marks in Redis outlive a failed record: they are deleted only once it has committed.
   */
  async sendBatch(batchId: string, letterIds: string[]): Promise<BatchResult> {
    if (!this.registry.hold(batchId)) throw new BatchBusyError(batchId);
    try {
      const result: BatchResult = { claimed: 0, sent: 0, retry: 0, failed: 0, unknown: 0, post: 0, recovered: 0, waiting: 0, retryAt: null, retryRound: 0 };
      result.recovered = await this.takeOver(batchId, letterIds);

      await this.progress.open(batchId, this.registry.workerId);
      const { rows, waiting, retryAt } = await this.claim(letterIds);
      result.claimed = rows.length;
      result.waiting = waiting;
      result.retryAt = retryAt;
      if (rows.length > 0) {
        // The templates ride on one row per appeal: keep them before any letter can return early (no address, suppressed).
        for (const row of rows) if (row.templates) this.templatesOfAppeal.set(row.appeal_id, row.templates);
        const outcomes = await Promise.all(rows.map((row) => this.sendOne(batchId, row)));
        await this.recordDurably(batchId, outcomes);
        // A letter gone to post is queued but no retry: the job does not come back for it.
        const retried = (outcome: Outcome) => outcome.status === 'queued' && outcome.channel !== 'post';
        for (const outcome of outcomes) {
          if (outcome.channel === 'post') result.post += 1;
          else if (outcome.status === 'queued') result.retry += 1;
          else result[outcome.status] += 1;
        }
        result.retryRound = Math.max(0, ...rows.filter((row) => outcomes.some((o) => o.id === row.id && retried(o))).map((row) => row.attempts));
      }
      // Only now is every outcome in Postgres; a Redis that is away keeps the marks until they expire.
      await this.progress.close(batchId).catch((error: Error) => this.logger.warn(`Batch ${batchId}: progress marks not deleted (${error.message.slice(0, 100)}); they expire`));
      return result;
    } finally {
      this.registry.release(batchId);
    }
  }

  /**
   * Letters of this batch left `sending` by a run that no longer goes on: a worker whose
   * heartbeat stopped, a live worker that no longer runs the batch, or this worker's own
   * earlier run (whose record failed). Sent ones are recorded sent, ones whose data may
   * have reached the server are `unknown` (never resent), and ones that never started go
   * back to `queued` to be sent now.
   *
   * Holding the batch's job is not enough to own its letters: a job's lock, renewed through
   * Redis, can lapse before its worker's heartbeat, written to Postgres, goes stale. Letters
   * still `sending` by a worker that looks alive and runs the batch are left to it, and this
   * run is put off (BatchBusyError) rather than going on: ending the batch would delete the
   * marks a take-over will need if that worker dies.
   */
  private async takeOver(batchId: string, letterIds: string[]): Promise<number> {
    const sending = await this.db.query<{ id: string; own: boolean; orphaned: boolean }[]>(
      `SELECT l.id, l.claimed_by = $3 AS own,
              (l.claimed_by = $3 OR w.id IS NULL OR w.seen_at < now() - make_interval(secs => $2)
               OR (w.seen_at > l.claimed_at + make_interval(secs => $2 / 2.0) AND NOT (l.batch_id = ANY(w.batches)))) AS orphaned
         FROM letters l LEFT JOIN delivery_workers w ON w.id = l.claimed_by
        WHERE l.id = ANY($1::uuid[]) AND l.status = 'sending'`,
      [letterIds, this.config.deliveryLeaseSeconds, this.registry.workerId],
    );
    const theirs = sending.filter((letter) => !letter.orphaned).length;
    if (theirs > 0) {
      this.logger.warn(`Batch ${batchId}: ${theirs} letters still sending by a worker that looks alive; put off until it finishes them or is seen dead`);
      throw new BatchBusyError(batchId, 'elsewhere');
    }
    if (sending.length === 0) return 0;
    const ids = sending.map((orphan) => orphan.id);
    const progress = await this.progress.read(batchId, ids);
    const outcomes: Outcome[] = ids.map((id) => {
      const state = progress?.get(id);
      if (!state) return { id, status: 'unknown', detail: 'the worker sending it stopped and its progress was lost', suppress: null };
      if (state.state === 'sent') return { id, status: 'sent', detail: state.reply, suppress: null };
      if (state.state === 'started') return { id, status: 'unknown', detail: 'the worker sending it stopped during the SMTP exchange', suppress: null };
      return { id, status: 'queued', detail: 'taken over from a stopped worker before it was sent', suppress: null };
    });
    await this.recordDurably(batchId, outcomes);
    const own = sending.filter((orphan) => orphan.own).length;
    this.logger.warn(`Batch ${batchId}: resolved ${ids.length} letters left sending (${own} by an earlier run of this worker)`);
    return ids.length;
  }

  /**
   * Claims (queued -> sending) the batch's letters that may go now. Officials with a pace
   * are locked for the claim, so that workers claiming at once cannot both use one slot.
   */
  private async claim(letterIds: string[]): Promise<{ rows: ClaimedRow[]; waiting: number; retryAt: Date | null }> {
    const paced = await this.db.query<(OfficialPace & { waiting: number })[]>(
      `SELECT o.id, o.max_letters_per_hour AS "maxLettersPerHour", o.timezone, o.office_hours_start AS "officeHoursStart",
              o.office_hours_end AS "officeHoursEnd", o.office_days AS "officeDays", count(*)::int AS waiting
         FROM letters l JOIN officials o ON o.id = l.official_id JOIN appeals a ON a.id = l.appeal_id
        WHERE l.id = ANY($1::uuid[]) AND l.status = 'queued' AND ${goesByEmail('l', 'a', 'o')}
          AND (o.max_letters_per_hour IS NOT NULL OR o.office_hours_start IS NOT NULL)
        GROUP BY o.id ORDER BY o.id`,
      [letterIds],
    );
    if (paced.length === 0) return { rows: await this.claimWith(this.db.manager, letterIds, [], []), waiting: 0, retryAt: null };

    return this.db.transaction(async (manager) => {
      const ids = paced.map((official) => official.id);
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('pace/' || id::text, 0)) FROM unnest($1::uuid[]) AS id ORDER BY id`, [ids]);
      const recent = await manager.query<{ official_id: string; claimed: number; oldest: Date }[]>(
        `SELECT official_id, count(*)::int AS claimed, min(claimed_at) AS oldest FROM paced_claims
          WHERE official_id = ANY($1::uuid[]) AND claimed_at > now() - interval '1 hour' GROUP BY official_id`,
        [ids],
      );
      const now = new Date();
      let waiting = 0;
      let retryAt: Date | null = null;
      const allowances = paced.map((official) => {
        const seen = recent.find((row) => row.official_id === official.id);
        const decision = decidePace(official, now, seen?.claimed ?? 0, seen ? new Date(seen.oldest) : null);
        const allowance = Math.min(decision.allowance, official.waiting);
        if (allowance < official.waiting) {
          waiting += official.waiting - allowance;
          if (decision.retryAt && (!retryAt || decision.retryAt < retryAt)) retryAt = decision.retryAt;
        }
        return allowance;
      });
      const rows = await this.claimWith(manager, letterIds, ids, allowances);
      await manager.query(
        `INSERT INTO paced_claims (official_id) SELECT l.official_id FROM letters l WHERE l.id = ANY($1::uuid[]) AND l.official_id = ANY($2::uuid[])`,
        [rows.map((row) => row.id), ids],
      );
      return { rows, waiting, retryAt };
    });
  }

  private claimWith(manager: EntityManager, letterIds: string[], pacedIds: string[], allowances: number[]): Promise<ClaimedRow[]> {
    return manager.query<ClaimedRow[]>(
      `WITH candidates AS (
         SELECT l.id, p.allowance, row_number() OVER (PARTITION BY l.official_id ORDER BY l.id) AS rank
           FROM letters l JOIN appeals a ON a.id = l.appeal_id AND a.status = 'open' JOIN officials o ON o.id = l.official_id
           LEFT JOIN unnest($3::uuid[], $4::int[]) AS p(official_id, allowance) ON p.official_id = l.official_id
          WHERE l.id = ANY($1::uuid[]) AND l.status = 'queued' AND ${goesByEmail('l', 'a', 'o')}),
       c AS (
         UPDATE letters l SET status = 'sending', attempts = l.attempts + 1, claimed_at = now(), claimed_by = $2, updated_at = now()
           FROM candidates WHERE l.id = candidates.id AND (candidates.allowance IS NULL OR candidates.rank <= candidates.allowance) AND l.status = 'queued'
         RETURNING l.id, l.attempts, l.retry_since, l.appeal_id, l.signature_id, l.supporter_id, l.official_id)
       SELECT ${CLAIMED_COLUMNS} FROM c ${CLAIMED_JOINS}`,
      [letterIds, this.registry.workerId, pacedIds, allowances],
    );
  }

  private async sendOne(batchId: string, row: ClaimedRow): Promise<Outcome> {
    if (!row.official_email) return gaveUp(row, 'no-email', 'the official has no email address', { suppress: null });
    const address = row.official_email.toLowerCase();
    if (row.suppressed || this.refused.has(address)) return gaveUp(row, 'suppressed', SUPPRESSED, { suppress: null });
    let letter: { subject: string; body: string };
    let fromName: string;
    let templateVersionId: string | null;
    try {
      if (row.templates) this.templatesOfAppeal.set(row.appeal_id, row.templates);
      // The letter's language is its template's: the official's, or the appeal's first in the coordinator's order.
      const rendered = this.renderer.renderFor(this.templatesOfAppeal.get(row.appeal_id) ?? [], row.official_language, letterPartsOf(row, new Date()));
      if (!rendered) throw new Error('the appeal has no letter template');
      letter = rendered;
      templateVersionId = rendered.template.versionId;
      fromName = senderName(rendered.language, rendered.context.supporter.signature, this.config.orgName);
    } catch (error) {
      // A template that cannot render this letter will not render it on a retry either.
      return { id: row.id, status: 'failed', detail: `render error: ${(error as Error).message.slice(0, 200)}`, suppress: null };
    }
    const outcome = await this.mail.send({ letterId: row.id, fromName, to: row.official_email, subject: letter.subject, text: letter.body, tag: { kind: 'letter', id: row.id } }, async () => {
      if (this.refused.has(address)) throw new LetterWithheld(SUPPRESSED);
      await this.progress.started(batchId, row.id);
    });
    if (outcome.permanent) this.refused.set(address, outcome.detail);
    if (outcome.kind === 'sent') {
      // Best effort: if this mark is lost and the worker dies now, the letter is `unknown`, never resent.
      await this.progress.sent(batchId, row.id, outcome.detail).catch(() => undefined);
    }
    const recorded = { templateVersionId, suppress: outcome.permanent ? address : null, transient: outcome.kind === 'retry' };
    const status = this.statusAfter(outcome.kind, row);
    if (status !== 'failed') return { id: row.id, status, detail: outcome.detail, ...recorded };
    // Withheld before its data because the address was refused meanwhile, refused for good now, or out of retries.
    const why: EmailGivenUp = outcome.kind === 'retry' ? 'retries-exhausted' : outcome.permanent ? 'refused' : 'suppressed';
    return gaveUp(row, why, outcome.detail, recorded);
  }

  /** A transient failure is final once the letter has used its attempts and its retry window. */
  private statusAfter(kind: OutcomeKind, row: ClaimedRow): Outcome['status'] {
    if (kind === 'retry') return transientFailureIsFinal(this.config, row.attempts, row.retry_since ? new Date(row.retry_since) : null) ? 'failed' : 'queued';
    return kind;
  }

  /**
   * Records outcomes until Postgres takes them: only this process knows them, and the Redis
   * marks that could tell them again are kept until then. Gives up after RECORD_PATIENCE_MS,
   * or at once when the process is stopping; the next run of the batch resolves the letters
   * from the marks.
   */
  private recordDurably(batchId: string, outcomes: Outcome[]): Promise<void> {
    return persist(() => this.record(outcomes), {
      patienceMs: RECORD_PATIENCE_MS,
      keepTrying: () => !this.stopping,
      onFirstFailure: (error) =>
        this.logger.warn(`Batch ${batchId}: ${outcomes.length} outcomes not recorded yet (${outageOf(error) ?? 'database'} unavailable); retrying, progress marks kept`),
      onRecovered: (tries) => this.logger.log(`Batch ${batchId}: ${outcomes.length} outcomes recorded after ${tries} tries`),
    });
  }

  /**
   * Every outcome of a batch and the addresses refused with it, in one statement. A
   * letter a take-over called `unknown` while this worker was cut off is corrected to
   * `sent` by the worker that had its 250. A letter going to post (`channel`) is moved
   * only from `sending`, by the run that claimed it: once, and counted once, as `queued`.
   */
  private async record(outcomes: Outcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    const refused = [...new Set(outcomes.map((o) => o.suppress).filter((address): address is string => address !== null))];
    const reasons = refused.map((address) => {
      const outcome = outcomes.find((o) => o.suppress === address)!;
      return outcome.reply ?? outcome.detail;
    });
    // One statement: a reader who sees the letters failed also sees their address suppressed.
    await this.db.query(
      `WITH recorded AS (
       UPDATE letters l SET status = u.status,
              smtp_response = CASE WHEN u.status = 'sent' THEN u.detail ELSE l.smtp_response END,
              last_error = CASE WHEN u.status = 'sent' THEN NULL ELSE u.detail END,
              message_id = CASE WHEN u.status = 'queued' THEN l.message_id ELSE $4 || l.id || $5 END,
              sent_at = CASE WHEN u.status = 'sent' THEN now() ELSE l.sent_at END,
              claimed_by = CASE WHEN u.status = 'queued' THEN NULL ELSE l.claimed_by END,
              retry_since = CASE WHEN u.transient THEN coalesce(l.retry_since, now()) ELSE l.retry_since END,
              template_version_id = coalesce(u.template_version_id, l.template_version_id),
              channel = coalesce(u.channel, l.channel),
              updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::text[], $6::boolean[], $8::uuid[], $11::text[]) AS u(id, status, detail, transient, template_version_id, channel)
        WHERE l.id = u.id AND (l.status = 'sending' OR (l.status = 'unknown' AND u.status = 'sent' AND l.claimed_by = $7))
       RETURNING l.id)
       INSERT INTO suppressions (address, reason) SELECT * FROM unnest($9::text[], $10::text[]) ON CONFLICT (address) DO NOTHING`,
      [
        outcomes.map((o) => o.id),
        outcomes.map((o) => o.status),
        outcomes.map((o) => o.detail),
        ...this.messageIdParts(),
        outcomes.map((o) => o.transient === true),
        this.registry.workerId,
        outcomes.map((o) => o.templateVersionId ?? null),
        refused,
        reasons,
        outcomes.map((o) => o.channel ?? null),
      ],
    );
  }

  /** Message-ID is `<letter-<id>@domain>`: the prefix and suffix around the id. */
  private messageIdParts(): [string, string] {
    const [prefix, suffix] = this.mail.messageIdOf('\u0000').split('\u0000');
    return [prefix, suffix];
  }
}

/** A letter email gave up on: failed, or on `email-then-post` queued for post (see afterEmailGaveUp). */
function gaveUp(row: ClaimedRow, why: EmailGivenUp, detail: string, recorded: Pick<Outcome, 'suppress' | 'templateVersionId' | 'transient'>): Outcome {
  const after = afterEmailGaveUp(row.appeal_channel, why, detail, row.official_postal_address !== null && row.official_postal_address.trim() !== '');
  return { id: row.id, ...recorded, status: after.status, detail: after.detail, reply: detail, channel: after.channel };
}
