import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { execute } from '../database/execute';
import { PrintRun, PrintRunFile } from './print-run.entity';

/** A run's row as the queries return it. */
interface PrintRunRow {
  id: string;
  kind: PrintRun['kind'];
  appeal_id: string | null;
  cycle_id: string | null;
  status: PrintRun['status'];
  paper_size: PrintRun['paperSize'];
  envelopes: PrintRun['envelopes'];
  letters: number;
  pages: number;
  files: PrintRunFile[];
  error: string | null;
  posted_on: string | null;
  started_by: string | null;
  created_at: Date;
  rendered_at: Date | null;
  updated_at: Date;
}

const COLUMNS = `id, kind, appeal_id, cycle_id, status, paper_size, envelopes, letters, pages, files, error, to_char(posted_on, 'YYYY-MM-DD') AS posted_on,
  started_by, created_at, rendered_at, updated_at`;

function runOf(row: PrintRunRow): PrintRun {
  return Object.assign(new PrintRun(), {
    id: row.id,
    kind: row.kind,
    appealId: row.appeal_id,
    cycleId: row.cycle_id,
    status: row.status,
    paperSize: row.paper_size,
    envelopes: row.envelopes,
    letters: row.letters,
    pages: row.pages,
    files: row.files,
    error: row.error,
    postedOn: row.posted_on,
    startedBy: row.started_by,
    createdAt: row.created_at,
    renderedAt: row.rendered_at,
    updatedAt: row.updated_at,
  });
}

/** What a scope's page says of printing: letters and cards waiting for a run now, and its latest runs, newest first (of `runsTotal`). */
export interface PrintFigures {
  awaiting: number;
  cards: number;
  runs: Pick<PrintRun, 'id' | 'status' | 'letters' | 'createdAt'>[];
  runsTotal: number;
}

/** All SQL of the print_runs table. Status changes are guarded by the status they leave, so a repeated or racing one changes nothing. */
@Injectable()
export class PrintRunsRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async create(manager: EntityManager, run: Pick<PrintRun, 'kind' | 'appealId' | 'cycleId' | 'paperSize' | 'envelopes' | 'startedBy'>): Promise<PrintRun> {
    const [row] = await manager.query<PrintRunRow[]>(
      `INSERT INTO print_runs (kind, appeal_id, cycle_id, paper_size, envelopes, started_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [run.kind, run.appealId, run.cycleId, run.paperSize, run.envelopes, run.startedBy],
    );
    return runOf(row);
  }

  /** The count a started run holds before it is rendered. */
  setCount(manager: EntityManager, id: string, letters: number): Promise<number> {
    return execute(manager, `UPDATE print_runs SET letters = $2, updated_at = now() WHERE id = $1`, [id, letters]);
  }

  async findById(id: string, manager: EntityManager = this.db.manager): Promise<PrintRun | null> {
    const [row] = await manager.query<PrintRunRow[]>(`SELECT ${COLUMNS} FROM print_runs WHERE id = $1`, [id]);
    return row ? runOf(row) : null;
  }

  /** Locks the run for a status change in `manager`'s transaction. */
  async lock(manager: EntityManager, id: string): Promise<PrintRun | null> {
    const [row] = await manager.query<PrintRunRow[]>(`SELECT ${COLUMNS} FROM print_runs WHERE id = $1 FOR UPDATE`, [id]);
    return row ? runOf(row) : null;
  }

  /** Newest first, optionally of one appeal or cycle. */
  async list(filter: { appealId?: string; cycleId?: string; limit: number; offset: number }): Promise<{ items: PrintRun[]; total: number }> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    if (filter.appealId) conditions.push(`appeal_id = $${parameters.push(filter.appealId)}`);
    if (filter.cycleId) conditions.push(`cycle_id = $${parameters.push(filter.cycleId)}`);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = await this.db.query<(PrintRunRow & { total: number })[]>(
      `SELECT ${COLUMNS}, count(*) OVER ()::int AS total FROM print_runs ${where} ORDER BY created_at DESC, id DESC LIMIT $${parameters.length + 1} OFFSET $${parameters.length + 2}`,
      [...parameters, filter.limit, filter.offset],
    );
    return { items: rows.map(runOf), total: rows[0]?.total ?? 0 };
  }

  markReady(manager: EntityManager, id: string, result: { letters: number; pages: number; files: PrintRunFile[] }): Promise<number> {
    return execute(
      manager,
      `UPDATE print_runs SET status = 'ready', letters = $2, pages = $3, files = $4::jsonb, error = NULL, rendered_at = now(), updated_at = now() WHERE id = $1 AND status = 'rendering'`,
      [id, result.letters, result.pages, JSON.stringify(result.files)],
    );
  }

  markFailed(manager: EntityManager, id: string, error: string): Promise<number> {
    return execute(manager, `UPDATE print_runs SET status = 'failed', error = $2, files = '[]'::jsonb, updated_at = now() WHERE id = $1 AND status = 'rendering'`, [id, error]);
  }

  markPosted(manager: EntityManager, id: string, postedOn: string): Promise<number> {
    return execute(manager, `UPDATE print_runs SET status = 'posted', posted_on = $2::date, updated_at = now() WHERE id = $1 AND status = 'ready'`, [id, postedOn]);
  }

  markDiscarded(manager: EntityManager, id: string): Promise<number> {
    return execute(manager, `UPDATE print_runs SET status = 'discarded', updated_at = now() WHERE id = $1 AND status IN ('ready', 'failed')`, [id]);
  }

  /** Whether the appeal or cycle a run is asked for exists. */
  async scopeExists(scope: { appealId: string } | { cycleId: string }): Promise<boolean> {
    const [{ found }] = await this.db.query<{ found: boolean }[]>(
      'appealId' in scope ? `SELECT EXISTS (SELECT 1 FROM appeals WHERE id = $1) AS found` : `SELECT EXISTS (SELECT 1 FROM cycles WHERE id = $1) AS found`,
      ['appealId' in scope ? scope.appealId : scope.cycleId],
    );
    return found;
  }

  /** Runs left `rendering` (their job lost): the worker's reconciler enqueues them again. */
  async rendering(): Promise<string[]> {
    const rows = await this.db.query<{ id: string }[]>(`SELECT id FROM print_runs WHERE status = 'rendering' AND updated_at < now() - interval '1 minute' ORDER BY created_at`);
    return rows.map((row) => row.id);
  }
}
