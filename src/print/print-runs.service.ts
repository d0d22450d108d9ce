import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, StreamableFile } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Caller } from '../common/auth/current-supporter.decorator';
import { DomainError, NotFoundError } from '../common/errors';
import type { Page } from '../common/pagination';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { AuditLogService } from '../database/audit-log.service';
import { PrintRunQueue } from '../delivery/print-run.queue';
import { LettersRepository, PrintScope } from '../letters/letters.repository';
import { MessagesRepository } from '../messages/messages.repository';
import type { PrintRun } from '../printing/print-run.entity';
import { PrintRunsRepository } from '../printing/print-runs.repository';
import { PostedDto, PrintRunView, StartPrintRunDto } from './dto/print-run.dto';

const CONTENT_TYPES: Record<string, string> = { 'letters.pdf': 'application/pdf', 'envelopes.pdf': 'application/pdf', 'cards.pdf': 'application/pdf', 'manifest.csv': 'text/csv; charset=utf-8' };

/** A day as YYYY-MM-DD in UTC, `days` from today. */
function dayFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Print runs as coordinators drive them: start one for an appeal or a cycle (its letters
 * waiting for post are taken in one statement, and a worker job renders them), read it, fetch
 * its files, mark it posted (its letters `posted`) or discard it (its letters wait for post
 * again). Every change is in one transaction with its audit entry.
 */
@Injectable()
export class PrintRunsService {
  private readonly logger = new Logger(PrintRunsService.name);

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(PrintRunsRepository) private readonly runs: PrintRunsRepository,
    @Inject(LettersRepository) private readonly letters: LettersRepository,
    @Inject(MessagesRepository) private readonly messages: MessagesRepository,
    @Inject(PrintRunQueue) private readonly queue: PrintRunQueue,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
  ) {}

  async start(caller: Caller, body: StartPrintRunDto): Promise<PrintRunView> {
    const scope = this.scopeOf(body);
    if (!this.config.orgPostalAddress) {
      throw new DomainError('print_unconfigured', "ORG_POSTAL_ADDRESS is not set: printed letters and their envelopes need the organisation's return address");
    }
    if (!(await this.runs.scopeExists(scope))) throw new NotFoundError('appealId' in scope ? 'Appeal' : 'Cycle');
    const what = 'appealId' in scope ? 'appeal' : 'cycle';
    if (body.kind === 'cards') {
      const unaddressed = (await this.messages.awaitingCards(scope)).filter((one) => !one.addressed);
      if (unaddressed.length > 0) {
        throw new DomainError('print_unconfigured', `approved messages wait for cards, but these cases have no messageAddress: ${unaddressed.map((one) => one.caseName).join(', ')}`);
      }
    }
    const run = await this.db.transaction(async (manager) => {
      const created = await this.runs.create(manager, {
        kind: body.kind,
        appealId: 'appealId' in scope ? scope.appealId : null,
        cycleId: 'cycleId' in scope ? scope.cycleId : null,
        paperSize: this.config.paperSize,
        envelopes: body.envelopes ?? 'DL',
        startedBy: caller.id,
      });
      const taken = body.kind === 'cards' ? await this.messages.attachToPrintRun(manager, created.id, scope) : await this.letters.attachToPrintRun(manager, created.id, scope);
      if (taken === 0) throw new DomainError('print_nothing', body.kind === 'cards' ? `no approved message of this ${what} waits for a card` : `no letter of this ${what} waits for post`);
      await this.runs.setCount(manager, created.id, taken);
      await this.audit.record({ actorId: caller.id, action: 'print.start', subjectType: 'print_run', subjectId: created.id, detail: { letters: taken, ...scope } }, manager);
      return { ...created, letters: taken } as PrintRun;
    });
    // Redis away: the run stays `rendering` and the worker's reconciler enqueues it.
    await this.queue.enqueue(run.id).catch((error: Error) => this.logger.warn(`Print run ${run.id}: not enqueued yet (${error.message.slice(0, 100)}); the reconciler will`));
    return this.viewOf(run);
  }

  async get(id: string): Promise<PrintRunView> {
    return this.viewOf(await this.found(id));
  }

  async list(filter: { appealId?: string; cycleId?: string }, page: number, limit: number): Promise<Page<PrintRunView>> {
    const { items, total } = await this.runs.list({ ...filter, limit, offset: (page - 1) * limit });
    return { items: items.map((run) => this.viewOf(run)), total, page, limit };
  }

  async posted(caller: Caller, id: string, body: PostedDto): Promise<PrintRunView> {
    if (Number.isNaN(Date.parse(`${body.postedOn}T00:00:00Z`)) || new Date(`${body.postedOn}T00:00:00Z`).toISOString().slice(0, 10) !== body.postedOn) {
      throw new DomainError('print_invalid', 'postedOn must be a day as YYYY-MM-DD');
    }
    if (body.postedOn > dayFromToday(1)) throw new DomainError('print_invalid', 'postedOn must not be in the future');
    await this.db.transaction(async (manager) => {
      const run = await this.runs.lock(manager, id);
      if (!run) throw new NotFoundError('Print run');
      if (run.status !== 'ready') throw new DomainError('print_status', `the run is ${run.status}: only a ready run can be marked posted`);
      if (body.postedOn < run.createdAt.toISOString().slice(0, 10)) throw new DomainError('print_invalid', 'postedOn must not be before the run was started');
      await this.runs.markPosted(manager, id, body.postedOn);
      const posted = run.kind === 'cards' ? await this.messages.markPosted(manager, id) : await this.letters.markPosted(manager, id);
      await this.audit.record({ actorId: caller.id, action: 'print.posted', subjectType: 'print_run', subjectId: id, detail: { letters: posted, postedOn: body.postedOn } }, manager);
    });
    return this.get(id);
  }

  async discard(caller: Caller, id: string): Promise<PrintRunView> {
    await this.db.transaction(async (manager) => {
      const run = await this.runs.lock(manager, id);
      if (!run) throw new NotFoundError('Print run');
      if (run.status !== 'ready' && run.status !== 'failed') throw new DomainError('print_status', `the run is ${run.status}: only a ready or failed run can be discarded`);
      await this.runs.markDiscarded(manager, id);
      const released = run.kind === 'cards' ? await this.messages.releaseFromPrintRun(manager, id) : await this.letters.releaseFromPrintRun(manager, id);
      await this.audit.record({ actorId: caller.id, action: 'print.discard', subjectType: 'print_run', subjectId: id, detail: { letters: released } }, manager);
    });
    await rm(join(this.config.printDir, id), { recursive: true, force: true });
    return this.get(id);
  }

  /** One of a ready (or posted) run's files, streamed from PRINT_DIR. */
  async file(id: string, name: string): Promise<StreamableFile> {
    const run = await this.found(id);
    const known = run.files.find((file) => file.name === name);
    if (!known || (run.status !== 'ready' && run.status !== 'posted')) throw new NotFoundError('File');
    const path = join(this.config.printDir, run.id, known.name);
    const found = await stat(path).catch(() => null);
    if (!found) throw new NotFoundError('File');
    return new StreamableFile(createReadStream(path), { type: CONTENT_TYPES[known.name] ?? 'application/octet-stream', length: found.size, disposition: `attachment; filename="${known.name}"` });
  }

  /** How many letters of the scope wait for post now. */
  awaiting(scope: PrintScope): Promise<number> {
    return this.letters.countAwaitingPost(scope);
  }

  /** How many approved messages of the scope wait for a card now (those of cases with an address for cards). */
  async awaitingCards(scope: PrintScope): Promise<number> {
    return (await this.messages.awaitingCards(scope)).filter((one) => one.addressed).reduce((sum, one) => sum + one.approved, 0);
  }

  private scopeOf(body: { appealId?: string; cycleId?: string }): PrintScope {
    if (body.appealId && body.cycleId) throw new DomainError('print_invalid', 'give appealId or cycleId, not both');
    if (body.appealId) return { appealId: body.appealId };
    if (body.cycleId) return { cycleId: body.cycleId };
    throw new DomainError('print_invalid', 'appealId or cycleId is required');
  }

  private async found(id: string): Promise<PrintRun> {
    const run = await this.runs.findById(id);
    if (!run) throw new NotFoundError('Print run');
    return run;
  }

  viewOf(run: PrintRun): PrintRunView {
    return {
      id: run.id,
      kind: run.kind,
      appealId: run.appealId,
      cycleId: run.cycleId,
      status: run.status,
      letters: run.letters,
      pages: run.pages,
      paperSize: run.paperSize,
      envelopes: run.envelopes,
      files: run.files.map((file) => ({ name: file.name, url: `/api/print-runs/${run.id}/files/${file.name}`, bytes: file.bytes })),
      error: run.error,
      postedOn: run.postedOn,
      createdAt: run.createdAt,
      renderedAt: run.renderedAt,
    };
  }
}
