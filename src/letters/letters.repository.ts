import type { SignatureStyle } from '../supporters/supporter.entity';
import { Inject, Injectable } from '@nestjs/common';
import { preparedQuery } from '../database/prepared';
import { DataSource, EntityManager } from 'typeorm';
import { execute } from '../database/execute';
import { reachableMember } from '../supporters/member-filters';
import type { CaseTranslations } from '../cases/case.entity';
import { FINAL_LETTER_STATUSES, LetterStatus } from './letter.entity';
import { awaitsPost, lettersAwaitingPostOf } from './letter-channel';

/** What a print run takes: an appeal's letters waiting for post, or those of a cycle's appeals. */
export type PrintScope = { appealId: string } | { cycleId: string };

/** Where new letters are numbered into batches: `base` the first batch number reserved, `size` letters per batch. */
export interface BatchNumbering {
  base: string;
  size: number;
}

/** A supporter's letter as their data export lists it. */
export interface SupporterLetterRow {
  id: string;
  appealId: string;
  caseId: string;
  caseName: string;
  officialName: string;
  officialTitle: string;
  status: LetterStatus;
  sentAt: Date | null;
  createdAt: Date;
}

/** A letter as the dashboard's supporter page lists it. */
export interface DashboardLetterRow {
  caseName: string;
  appealTitle: string;
  official: string;
  status: string;
  createdAt: string;
  sentAt: string;
}

/** A letter as a member's history page lists it, with its case (and the case's translations) and its official. */
export interface MemberHistoryLetterRow {
  case_id: string;
  case_name: string;
  case_translations: CaseTranslations;
  appeal_title: string;
  status: LetterStatus;
  /** The signature's note moderation (held, approved, rejected), null when not moderated. */
  note_status: 'held' | 'approved' | 'rejected' | null;
  sent_at: Date | null;
  created_at: Date;
  name: string;
  title: string;
  organisation: string | null;
  language: string;
}

/** A letter as the inbound listener reads it. */
export interface InboundLetterRow {
  id: string;
  status: LetterStatus;
  officialId: string;
  appealId: string;
  caseId: string;
  appealChannel: string;
  officialEmail: string | null;
  /** The official's flag reason now, and whether their address is suppressed already (a second bounce need not write them). */
  officialFlagReason: string | null;
  officialSuppressed: boolean;
}

/**
 * Every statement that writes the letters table, apart from the worker's claim and record
 * statements (delivery/letter-sender.service.ts). Letters are created set-based: one
 * INSERT ... SELECT per fan-out, never a statement per supporter or per letter. Methods that
 * take a manager run inside the caller's transaction.
 */
@Injectable()
export class LettersRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** Reserves a block of `blockSize` batch numbers for one fan-out; returns its first number. */
  async reserveBatchBlock(manager: EntityManager, blockSize: number): Promise<string> {
    const [{ base }] = await manager.query<{ base: string }[]>(`SELECT (nextval('letter_batch_blocks') * $1::bigint)::text AS base`, [blockSize]);
    return base;
  }

  /**
   * Signs every auto-sign member (active, confirmed, not unsubscribed) to an appeal that has
   * just become open in this transaction, and creates their letters, in one statement
   * (supporters are never loaded into memory; no signature of the appeal exists yet, so no
   * ON CONFLICT). Returns how many letters were created.
   */
  signAutoSignersAndWrite(manager: EntityManager, appealId: string, batches: BatchNumbering): Promise<number> {
    return execute(
      manager,
      `WITH signed AS (
         INSERT INTO signatures (appeal_id, supporter_id, signature_style, auto_signed)
         SELECT $1, s.id, s.signature_style, true FROM supporters s WHERE s.auto_sign AND ${reachableMember('s')}
         RETURNING id, supporter_id)
       INSERT INTO letters (appeal_id, supporter_id, official_id, signature_id, batch_id)
       SELECT $1, sg.supporter_id, ao.official_id, sg.id, $2::bigint + (row_number() OVER () - 1) / $3
         FROM signed sg JOIN appeal_officials ao ON ao.appeal_id = $1`,
      [appealId, batches.base, batches.size],
    );
  }

  /**
   * The same for several appeals that may already be open, in one statement: a member who
   * signed one already keeps that signature and its letters (ON CONFLICT). Returns how many
   * letters were created and the last batch number written (conflicts leave gaps).
   */
  async signAutoSignersAndWriteForAppeals(manager: EntityManager, appealIds: string[], batches: BatchNumbering): Promise<{ created: number; lastBatch: string | null }> {
    const [{ created, last }] = await manager.query<{ created: number; last: string | null }[]>(
      `WITH signed AS (
         INSERT INTO signatures (appeal_id, supporter_id, signature_style, auto_signed)
         SELECT a.id, s.id, s.signature_style, true FROM unnest($1::uuid[]) AS a(id) CROSS JOIN supporters s
          WHERE s.auto_sign AND ${reachableMember('s')}
         ON CONFLICT (supporter_id, appeal_id) DO NOTHING
         RETURNING id, appeal_id, supporter_id),
       written AS (
         INSERT INTO letters (appeal_id, supporter_id, official_id, signature_id, batch_id)
         SELECT sg.appeal_id, sg.supporter_id, ao.official_id, sg.id, $2::bigint + (row_number() OVER () - 1) / $3
           FROM signed sg JOIN appeal_officials ao ON ao.appeal_id = sg.appeal_id
         ON CONFLICT (supporter_id, appeal_id, official_id) DO NOTHING
         RETURNING batch_id)
       SELECT count(*)::int AS created, max(batch_id)::text AS last FROM written`,
      [appealIds, batches.base, batches.size],
    );
    return { created, lastBatch: last };
  }

  /**
   * How many letters launching this draft would create now: the members signAutoSignersAndWrite
   * signs (auto-sign and reachable) times the appeal's officials, by the same rule.
   */
  async countForAutoSigners(appealId: string): Promise<{ letters: number; members: number; officials: number }> {
    const [row] = await this.db.query<{ members: number; officials: number }[]>(
      `SELECT (SELECT count(*)::int FROM supporters s WHERE s.auto_sign AND ${reachableMember('s')}) AS members,
              (SELECT count(*)::int FROM appeal_officials ao WHERE ao.appeal_id = $1) AS officials`,
      [appealId],
    );
    return { letters: row.members * row.officials, members: row.members, officials: row.officials };
  }

  /**
   * The letters of one signature, one per official of its appeal; none in an unconfirmed
   * member's name. `held` when the signature's note waits for a coordinator. Returns how many were created.
   */
  writeForSignature(manager: EntityManager, signatureId: string, batches: BatchNumbering, status: 'queued' | 'held' = 'queued'): Promise<number> {
    return execute(
      manager,
      `INSERT INTO letters (appeal_id, supporter_id, official_id, signature_id, batch_id, status)
       SELECT s.appeal_id, s.supporter_id, ao.official_id, s.id, $2::bigint + (row_number() OVER () - 1) / $3, $4
         FROM signatures s JOIN appeal_officials ao ON ao.appeal_id = s.appeal_id
         JOIN supporters sp ON sp.id = s.supporter_id AND sp.confirmed_at IS NOT NULL
        WHERE s.id = $1
       ON CONFLICT (supporter_id, appeal_id, official_id) DO NOTHING`,
      [signatureId, batches.base, batches.size, status],
    );
  }

  /**
   * One member's signatures of several appeals and their letters (queued, numbered from
   * `batches`), in one statement: the counters' triggers run at its end, taking their locks
   * at once and in order, so that they are held only until the commit, with no round trip in
   * between. Those signed already are left as they are and get no letter. Returns how many
   * letters were made.
   */
  async insertManyWithLetters(
    manager: EntityManager,
    supporterId: string,
    signatures: { appealId: string; note: string | null; signatureStyle: SignatureStyle }[],
    batches: BatchNumbering,
  ): Promise<number> {
    if (signatures.length === 0) return 0;
    const [{ letters }] = await manager.query<{ letters: number }[]>(
      `WITH signed AS (
         INSERT INTO signatures (appeal_id, supporter_id, note, signature_style, note_status)
         SELECT appeal_id, $2::uuid, note, signature_style, NULL FROM unnest($1::uuid[], $3::text[], $4::text[]) AS given (appeal_id, note, signature_style)
          ORDER BY appeal_id
         ON CONFLICT (supporter_id, appeal_id) DO NOTHING RETURNING id, appeal_id, supporter_id
       ), written AS (
         INSERT INTO letters (appeal_id, supporter_id, official_id, signature_id, batch_id, status)
         SELECT s.appeal_id, s.supporter_id, ao.official_id, s.id, $5::bigint + (row_number() OVER (ORDER BY s.appeal_id, ao.official_id) - 1) / $6, 'queued'
           FROM signed s JOIN appeal_officials ao ON ao.appeal_id = s.appeal_id
           JOIN supporters sp ON sp.id = s.supporter_id AND sp.confirmed_at IS NOT NULL
         ON CONFLICT (supporter_id, appeal_id, official_id) DO NOTHING RETURNING 1
       )
       SELECT count(*)::int AS letters FROM written`,
      [signatures.map((signature) => signature.appealId), supporterId, signatures.map((signature) => signature.note), signatures.map((signature) => signature.signatureStyle), batches.base, batches.size],
    );
    return letters;
  }

  /** A member who unsubscribed: the letters auto-signed in their name and still queued are never sent. */
  cancelQueuedAutoSigned(manager: EntityManager, supporterId: string): Promise<number> {
    return execute(
      manager,
      `UPDATE letters l SET status = 'cancelled', last_error = 'the supporter unsubscribed', updated_at = now()
         FROM signatures sg WHERE sg.id = l.signature_id AND sg.auto_signed AND l.supporter_id = $1 AND l.status = 'queued'`,
      [supporterId],
    );
  }

  /** An appeal cancelled: its letters still queued (or held for moderation) are never sent. */
  cancelQueuedOfAppeal(manager: EntityManager, appealId: string): Promise<number> {
    return execute(
      manager,
      `UPDATE letters SET status = 'cancelled', last_error = 'appeal cancelled', updated_at = now() WHERE appeal_id = $1 AND status IN ('queued', 'held')`,
      [appealId],
    );
  }

  /** A case's outcome (released, deceased): its letters still queued are never sent; a worker that claims them later finds none. */
  /** How many letters cancelQueuedOfCase would cancel now: the console's outcome confirmation says so before. */
  async countQueuedOfCase(caseId: string): Promise<number> {
    const [{ count }] = await this.db.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM letters l JOIN appeals a ON a.id = l.appeal_id WHERE a.case_id = $1 AND l.status IN ('queued', 'held', 'printed')`,
      [caseId],
    );
    return count;
  }

  /** Letters not yet gone: queued ones (by email or waiting for post), held ones (waiting for moderation) and printed ones not posted yet. */
  cancelQueuedOfCase(manager: EntityManager, caseId: string, status: string): Promise<number> {
    return execute(
      manager,
      `UPDATE letters l SET status = 'cancelled', last_error = 'case ' || $2, updated_at = now()
         FROM appeals a WHERE a.id = l.appeal_id AND a.case_id = $1 AND l.status IN ('queued', 'held', 'printed')`,
      [caseId, status],
    );
  }

  /** How many letters of open appeals in `scope` wait for post now (the console offers a run). */
  async countAwaitingPost(scope: PrintScope): Promise<number> {
    const appeals = 'appealId' in scope ? `a.id = $1` : `a.id IN (SELECT appeal_id FROM cycle_appeals WHERE cycle_id = $1)`;
    const [{ count }] = await this.db.query<{ count: number }[]>(`SELECT coalesce(sum(${lettersAwaitingPostOf('a')}), 0)::int AS count FROM appeals a WHERE ${appeals}`, [scopeId(scope)]);
    return count;
  }

  /**
   * Gives a new print run every letter of open appeals in `scope` that waits for post, in
   * one statement: from now on no other run takes them. They stay `queued` until the run is
   * rendered. Returns how many.
   */
  attachToPrintRun(manager: EntityManager, runId: string, scope: PrintScope): Promise<number> {
    return execute(
      manager,
      `UPDATE letters l SET print_run_id = $2, updated_at = now()
         FROM appeals a, officials o
        WHERE a.id = l.appeal_id AND a.status = 'open' AND o.id = l.official_id AND ${scopeCondition(scope, '$1')} AND ${awaitsPost('l', 'a', 'o')}`,
      [scopeId(scope), runId],
    );
  }

  /** A rendered run: its letters still queued become `printed` (one cancelled meanwhile stays cancelled). */
  markPrinted(manager: EntityManager, runId: string): Promise<number> {
    return execute(manager, `UPDATE letters SET status = 'printed', updated_at = now() WHERE print_run_id = $1 AND status = 'queued'`, [runId]);
  }

  /** A run marked posted: its printed letters are `posted` (the day is the run's). */
  markPosted(manager: EntityManager, runId: string): Promise<number> {
    return execute(manager, `UPDATE letters SET status = 'posted', updated_at = now() WHERE print_run_id = $1 AND status = 'printed'`, [runId]);
  }

  /** A letter a print run could not set (a render error names it): `failed` with the reason, so the next run goes without it. */
  failUnprintable(manager: EntityManager, runId: string, letterId: string, reason: string): Promise<number> {
    return execute(
      manager,
      `UPDATE letters SET status = 'failed', last_error = $3, print_run_id = NULL, updated_at = now() WHERE id = $2 AND print_run_id = $1 AND status = 'queued'`,
      [runId, letterId, reason],
    );
  }

  /** A run discarded or failed: its printed (or still queued) letters wait for post again, in no run. */
  releaseFromPrintRun(manager: EntityManager, runId: string): Promise<number> {
    return execute(
      manager,
      `UPDATE letters SET status = 'queued', print_run_id = NULL, updated_at = now() WHERE print_run_id = $1 AND status IN ('queued', 'printed')`,
      [runId],
    );
  }

  /**
   * A supporter who deleted their data: queued letters would otherwise be sent in their name.
   * A letter being sent right now was claimed with its signer already read; it completes.
   * Status changes go through the letter_counts trigger, so the counts stay exact.
   */
  cancelQueuedOfDeletedSupporter(manager: EntityManager, supporterId: string): Promise<number> {
    return execute(
      manager,
      `UPDATE letters SET status = 'cancelled', last_error = 'The supporter deleted their data', updated_at = now() WHERE supporter_id = $1 AND status = 'queued'`,
      [supporterId],
    );
  }

  /** Their letters stay, with no supporter; the status stays as it is, so the counters (by appeal and official) do not move. */
  detachSupporter(manager: EntityManager, supporterId: string): Promise<number> {
    return execute(manager, `UPDATE letters SET supporter_id = NULL WHERE supporter_id = $1`, [supporterId]);
  }

  /**
   * Held notes decided: their signatures' held letters are `queued` and go (with the note, or
   * without it once rejected); the caller enqueues them after the commit. Returns how many.
   */
  async releaseHeldOfSignatures(manager: EntityManager, signatureIds: readonly string[]): Promise<number> {
    if (signatureIds.length === 0) return 0;
    return execute(manager, `UPDATE letters SET status = 'queued', updated_at = now() WHERE signature_id = ANY($1::uuid[]) AND status = 'held'`, [signatureIds]);
  }

  /** The batches that hold an appeal's queued letters (to enqueue them again after a pause). */
  async queuedBatchesOfAppeal(appealId: string): Promise<string[]> {
    const rows = await this.db.query<{ batch_id: string }[]>(`SELECT DISTINCT batch_id FROM letters WHERE appeal_id = $1 AND status = 'queued'`, [appealId]);
    return rows.map((row) => row.batch_id);
  }

  /** A supporter's letters for one appeal, by official. */
  ofSignerInAppeal(supporterId: string, appealId: string): Promise<{ id: string; officialId: string; status: LetterStatus }[]> {
    return preparedQuery(this.db, 'qalam_letters_of_signer', `SELECT id, official_id AS "officialId", status FROM letters WHERE supporter_id = $1 AND appeal_id = $2 ORDER BY official_id`, [supporterId, appealId]);
  }

  /** A supporter's letters for their data export, oldest first. */
  forExportOfSupporter(supporterId: string): Promise<SupporterLetterRow[]> {
    return this.db.query(
      `SELECT l.id, a.id AS "appealId", c.id AS "caseId", c.name AS "caseName", o.name AS "officialName", o.title AS "officialTitle",
              l.status, l.sent_at AS "sentAt", l.created_at AS "createdAt"
         FROM letters l JOIN appeals a ON a.id = l.appeal_id JOIN cases c ON c.id = a.case_id JOIN officials o ON o.id = l.official_id
        WHERE l.supporter_id = $1 ORDER BY l.created_at, l.id`,
      [supporterId],
    );
  }

  /** A supporter's letters by status (their own rows: a member's few letters, counted). */
  statusCountsOfSupporter(supporterId: string): Promise<{ status: LetterStatus; count: number }[]> {
    // Letters the retention scrub unlinked are counted in supporter_letter_counts.
    return this.db.query(
      `SELECT status, sum(count)::int AS count FROM (
         SELECT status, count(*) AS count FROM letters WHERE supporter_id = $1 GROUP BY status
         UNION ALL SELECT status, sum(count) FROM supporter_letter_counts WHERE supporter_id = $1 GROUP BY status) counts
        GROUP BY status`,
      [supporterId],
    );
  }

  /** A supporter's cases, by name, with how many of their letters for each went (sent, bounced, or posted). */
  sentByCaseOfSupporter(supporterId: string): Promise<{ caseId: string; name: string; sent: number }[]> {
    return this.db.query(
      `SELECT c.id AS "caseId", c.name, sum(counts.sent)::int AS sent FROM (
         SELECT a.case_id, count(*) FILTER (WHERE l.status IN ('sent', 'bounced', 'posted')) AS sent
           FROM letters l JOIN appeals a ON a.id = l.appeal_id WHERE l.supporter_id = $1 GROUP BY a.case_id
         UNION ALL
         SELECT case_id, coalesce(sum(count) FILTER (WHERE status IN ('sent', 'bounced', 'posted')), 0) FROM supporter_letter_counts WHERE supporter_id = $1 GROUP BY case_id) counts
         JOIN cases c ON c.id = counts.case_id GROUP BY c.id, c.name ORDER BY c.name`,
      [supporterId],
    );
  }

  /** A supporter's latest 200 letters, newest first, for the dashboard's supporter page (times in UTC, to the minute). */
  latestOfSupporterForDashboard(supporterId: string): Promise<DashboardLetterRow[]> {
    return this.db.query(
      `SELECT c.name AS "caseName", a.title AS "appealTitle", o.title || ' ' || o.name AS official, l.status,
              to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS "createdAt",
              coalesce(to_char(l.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), '—') AS "sentAt"
         FROM letters l JOIN appeals a ON a.id = l.appeal_id JOIN cases c ON c.id = a.case_id JOIN officials o ON o.id = l.official_id
        WHERE l.supporter_id = $1 ORDER BY l.created_at DESC, l.id LIMIT 200`,
      [supporterId],
    );
  }

  /** A member's latest `limit` letters, newest first, for their history page, and how many they have. */
  async historyOfMember(supporterId: string, limit: number): Promise<{ letters: MemberHistoryLetterRow[]; total: number }> {
    const [letters, [{ total }]] = await Promise.all([
      this.db.query<MemberHistoryLetterRow[]>(
        `SELECT k.id AS case_id, k.name AS case_name, k.translations AS case_translations, a.title AS appeal_title, l.status, sg.note_status, l.sent_at, l.created_at,
                o.name, o.title, o.organisation, o.language
           FROM letters l JOIN appeals a ON a.id = l.appeal_id JOIN cases k ON k.id = a.case_id JOIN officials o ON o.id = l.official_id
           JOIN signatures sg ON sg.id = l.signature_id
          WHERE l.supporter_id = $1 ORDER BY l.created_at DESC, l.id LIMIT $2`,
        [supporterId, limit],
      ),
      this.db.query<{ total: number }[]>(`SELECT count(*)::int AS total FROM letters WHERE supporter_id = $1`, [supporterId]),
    ]);
    return { letters, total };
  }

  /**
   * What the inbound listener needs of a letter a bounce, a delay or a reply names, locked
   * until the transaction ends (two reports at once apply in turn). Null if there is none.
   */
  async lockForInbound(manager: EntityManager, letterId: string): Promise<InboundLetterRow | null> {
    const [row] = await manager.query<InboundLetterRow[]>(
      `SELECT l.id, l.status, l.official_id AS "officialId", l.appeal_id AS "appealId", a.case_id AS "caseId", a.channel AS "appealChannel",
              o.email AS "officialEmail", o.flag_reason AS "officialFlagReason",
              EXISTS (SELECT 1 FROM suppressions s WHERE s.address = lower(o.email)) AS "officialSuppressed"
         FROM letters l JOIN appeals a ON a.id = l.appeal_id JOIN officials o ON o.id = l.official_id
        WHERE l.id = $1 FOR UPDATE OF l`,
      [letterId],
    );
    return row ?? null;
  }

  /** lockForInbound for many letters at once, locked in id order (two batches at once cannot deadlock); those that exist. */
  lockManyForInbound(manager: EntityManager, letterIds: string[]): Promise<InboundLetterRow[]> {
    if (letterIds.length === 0) return Promise.resolve([]);
    return manager.query<InboundLetterRow[]>(
      `SELECT l.id, l.status, l.official_id AS "officialId", l.appeal_id AS "appealId", a.case_id AS "caseId", a.channel AS "appealChannel",
              o.email AS "officialEmail", o.flag_reason AS "officialFlagReason",
              EXISTS (SELECT 1 FROM suppressions s WHERE s.address = lower(o.email)) AS "officialSuppressed"
         FROM letters l JOIN appeals a ON a.id = l.appeal_id JOIN officials o ON o.id = l.official_id
        WHERE l.id = ANY($1::uuid[]) ORDER BY l.id FOR UPDATE OF l`,
      [letterIds],
    );
  }

  /** markBounced for many letters in one statement (the counters' trigger runs once); each with its reason. */
  markBouncedMany(manager: EntityManager, bounces: { id: string; reason: string }[]): Promise<number> {
    if (bounces.length === 0) return Promise.resolve(0);
    return execute(
      manager,
      `UPDATE letters l SET status = 'bounced', last_error = u.reason, updated_at = now()
         FROM unnest($1::uuid[], $2::text[]) AS u(id, reason) WHERE l.id = u.id AND l.status IN ('sent', 'unknown')`,
      [bounces.map((b) => b.id), bounces.map((b) => b.reason)],
    );
  }

  /**
   * A 5.x.x delivery status notification: `sent -> bounced` (or from `unknown`: the letter
   * did arrive somewhere). Only from those statuses, so a second report changes nothing.
   * The letter_counts trigger moves the count. Returns how many moved (0 or 1).
   */
  markBounced(manager: EntityManager, letterId: string, reason: string): Promise<number> {
    return execute(
      manager,
      `UPDATE letters SET status = 'bounced', last_error = $2, updated_at = now() WHERE id = $1 AND status IN ('sent', 'unknown')`,
      [letterId, reason],
    );
  }

  /** A 4.x.x delivery status notification: the delay is recorded (its first time kept), the letter stays `sent`. */
  recordDelay(manager: EntityManager, letterId: string, statusCode: string): Promise<number> {
    return execute(
      manager,
      `UPDATE letters SET delayed_at = coalesce(delayed_at, now()), delay_status = $2, updated_at = now() WHERE id = $1 AND status = 'sent'`,
      [letterId, statusCode],
    );
  }

  /**
   * Letters of `email-then-post` appeals that email gave up on after all (`failed`, or
   * `bounced` once the inbound handler reads a DSN) go by post: `queued` again, channel
   * `post`, in no print run yet; no claim, enqueue or reconcile takes them by email again
   * (goesByEmail). Only from those statuses and only once (a letter already moved is
   * `queued`, or further along a print run). The letter_counts trigger moves each count
   * from its old status to `queued`, so the total stays. Returns how many moved.
   */
  queueForPost(manager: EntityManager, letterIds: string[]): Promise<number> {
    if (letterIds.length === 0) return Promise.resolve(0);
    return execute(
      manager,
      `UPDATE letters l SET status = 'queued', channel = 'post', claimed_by = NULL, print_run_id = NULL,
              last_error = concat_ws('; ', l.last_error, 'waits for post'), updated_at = now()
         FROM appeals a, officials o
        WHERE a.id = l.appeal_id AND o.id = l.official_id AND a.channel = 'email-then-post' AND nullif(trim(o.postal_address), '') IS NOT NULL
          AND l.id = ANY($1::uuid[]) AND l.status IN ('failed', 'bounced') AND l.channel IS NULL`,
      [letterIds],
    );
  }

  // Retention (RETENTION_DAYS): one batch per call, how many rows changed.

  /**
   * Removes the supporter link of one batch of old final letters, adding what they were to
   * supporter_letter_counts in the same statement, so a supporter's counts stay the same.
   */
  async unlinkOld(before: Date, limit: number): Promise<number> {
    const [, changed] = await this.db.query<[unknown, number]>(
      `WITH batch AS (
         SELECT l.id, l.supporter_id, a.case_id, l.status FROM letters l JOIN appeals a ON a.id = l.appeal_id
          WHERE l.supporter_id IS NOT NULL AND l.created_at < $1 AND l.status = ANY($2::text[])
          ORDER BY l.created_at LIMIT $3 FOR UPDATE OF l SKIP LOCKED),
       counted AS (
         INSERT INTO supporter_letter_counts (supporter_id, case_id, status, count)
         SELECT supporter_id, case_id, status, count(*)::int FROM batch GROUP BY supporter_id, case_id, status
         ON CONFLICT (supporter_id, case_id, status) DO UPDATE SET count = supporter_letter_counts.count + EXCLUDED.count)
       UPDATE letters l SET supporter_id = NULL FROM batch WHERE l.id = batch.id`,
      [before, FINAL_LETTER_STATUSES, limit],
    );
    return changed;
  }
}

function scopeCondition(scope: PrintScope, parameter: string): string {
  return 'appealId' in scope ? `l.appeal_id = ${parameter}` : `l.appeal_id IN (SELECT appeal_id FROM cycle_appeals WHERE cycle_id = ${parameter})`;
}

function scopeId(scope: PrintScope): string {
  return 'appealId' in scope ? scope.appealId : scope.cycleId;
}
