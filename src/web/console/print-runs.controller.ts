import { Body, Controller, Get, HttpStatus, Inject, Param, Post, Query, Req, Res, StreamableFile, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CsrfGuard, CsrfService } from '../../auth/csrf.service';
import { Caller, CurrentCaller } from '../../common/auth/current-supporter.decorator';
import { StaffPage } from '../../common/auth/staff-page.decorator';
import { DomainError, NotFoundError } from '../../common/errors';
import { Catalogue, catalogueOf } from '../../common/i18n/messages';
import { UuidParam } from '../../common/uuid.pipe';
import { CyclesService } from '../../cycles/cycles.service';
import { PostedDto, PrintRunView, StartPrintRunDto } from '../../print/dto/print-run.dto';
import { PrintRunsService } from '../../print/print-runs.service';
import { StatsService } from '../../stats/stats.service';
import { pageHeaders } from '../page-response';
import { dayLabel, dayOf } from '../view-format';
import { ViewsService } from '../views.service';
import { staffOf } from './console.controller';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { apiBodyOf, textOf, validateForm } from './console-form';
import { consoleLayout } from './console-layout';
import { ConsoleRequest, seeOther, whole } from './console-page';
import { printProblemOf } from './print-start';

/** Runs listed per page. */
const RUNS_SHOWN = 50;
/** How often a rendering run's page asks for its state, in seconds. */
const POLL_SECONDS = 2;

/**
 * The console's print runs: the list, newest first; starting one from an appeal's or a
 * cycle's page (the envelopes chosen there); one run with its progress while it renders,
 * its files when it is ready, and the forms that mark it posted or discard it. Each form
 * calls PrintRunsService as POST /api/print-runs and its /posted and /discard do, with the
 * same DTOs and role; the files are streamed by the same service, to the staff session.
 */
@ApiExcludeController()
@Controller('console/print-runs')
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConsolePrintRunsController {
  constructor(
    @Inject(PrintRunsService) private readonly runs: PrintRunsService,
    @Inject(CyclesService) private readonly cycles: CyclesService,
    @Inject(StatsService) private readonly stats: StatsService,
    @Inject(CsrfService) private readonly csrf: CsrfService,
    @Inject(ViewsService) private readonly views: ViewsService,
  ) {}

  @Get()
  async list(@Query('page') pageParam: unknown, @Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const startedAt = performance.now();
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const page = whole(pageParam, 1);
    const found = await this.runs.list({}, page, RUNS_SHOWN);
    const titles = await this.titlesOf(found.items);
    pageHeaders(response, HttpStatus.OK, startedAt);
    return this.views.render(
      'console-print-runs',
      {
        runs: found.items.map((run) => ({ ...this.row(run, messages), scope: titles.get(run.appealId ?? run.cycleId ?? '') ?? null })),
        caption: messages.t('consolePrint.list.caption', { count: found.total }),
        previous: page > 1 ? `/console/print-runs?page=${page - 1}` : null,
        next: page * found.limit < found.total ? `/console/print-runs?page=${page + 1}` : null,
      },
      consoleLayout(messages.t('consolePrint.list.title'), '/console/print-runs', staff, this.csrf.tokenFor(request, response)),
    );
  }

  /** Starts a run from an appeal's or a cycle's page; a refusal (nothing waiting, no return address) goes back there, saying why. */
  @Post()
  async start(@CurrentCaller() caller: Caller, @Body() body: unknown, @Res({ passthrough: true }) response: Response): Promise<string> {
    const values = apiBodyOf(body, { optional: ['appealId', 'cycleId', 'envelopes', 'kind'] });
    const back = this.backOf(textOf(values, 'appealId'), textOf(values, 'cycleId'));
    const checked = await validateForm(StartPrintRunDto, { ...values, kind: textOf(values, 'kind') || 'letters' }, ['appealId', 'cycleId', 'kind', 'envelopes']);
    if (checked.problems) {
      if (!back) throw new NotFoundError('Appeal');
      return seeOther(response, `${back}?printProblem=print_invalid#print`);
    }
    try {
      const run = await this.runs.start(caller, checked.value);
      return seeOther(response, `/console/print-runs/${run.id}`);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code === 'not_found' || !back) throw error;
      return seeOther(response, `${back}?printProblem=${error.code}#print`);
    }
  }

  @Get(':id')
  async run(@Param('id', UuidParam) id: string, @Query('problem') problem: unknown, @Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const startedAt = performance.now();
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const run = await this.runs.get(id);
    const scope = (await this.titlesOf([run])).get(run.appealId ?? run.cycleId ?? '') ?? null;
    const rendering = run.status === 'rendering';
    const today = new Date().toISOString().slice(0, 10);
    const model = {
      csrf: this.csrf.tokenFor(request, response),
      run: this.row(run, messages),
      scope,
      rendering,
      poll: rendering ? POLL_SECONDS : 0,
      ready: run.status === 'ready',
      failed: run.status === 'failed',
      posted: run.status === 'posted',
      discarded: run.status === 'discarded',
      mayDiscard: run.status === 'ready' || run.status === 'failed',
      // A discarded run's files are deleted; a failed one's were never whole.
      files: (run.status === 'ready' || run.status === 'posted' ? run.files : []).map((file) => ({
        name: file.name,
        href: `/console/print-runs/${run.id}/files/${file.name}`,
        label: messages.t(`consolePrint.files.${file.name.replace('.', '_')}`),
        size: kilobytes(file.bytes, messages),
      })),
      error: run.error,
      postedOn: { value: today, min: new Date(run.createdAt).toISOString().slice(0, 10), max: today },
      lettersLine: messages.t('consolePrint.run.lettersLine', { count: run.letters }),
      pagesLine: messages.t('consolePrint.run.pagesLine', { count: run.pages }),
      discardWarning: messages.t('consolePrint.run.discardWarning', { count: run.letters }),
      problem: printProblemOf(problem, messages),
    };
    pageHeaders(response, HttpStatus.OK, startedAt, rendering);
    const layout = consoleLayout(messages.t('consolePrint.run.title', { date: dayOf(run.createdAt, staff.language) }), '/console/print-runs', staff, this.csrf.tokenFor(request, response));
    return this.views.render('console-print-run', model, rendering ? { ...layout, scripts: [this.views.htmxScriptPath] } : layout);
  }

  /** One of a ready or posted run's files, to a coordinator's session (the API route takes Bearer tokens). */
  @Get(':id/files/:name')
  async file(@Param('id', UuidParam) id: string, @Param('name') name: string, @Res({ passthrough: true }) response: Response): Promise<StreamableFile> {
    const file = await this.runs.file(id, name);
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    return file;
  }

  @Post(':id/posted')
  async posted(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string, @Body() body: unknown, @Res({ passthrough: true }) response: Response): Promise<string> {
    const checked = await validateForm(PostedDto, apiBodyOf(body), ['postedOn']);
    if (checked.problems) return seeOther(response, `/console/print-runs/${id}?problem=posted_invalid`);
    return this.act(response, id, 'posted_invalid', () => this.runs.posted(caller, id, checked.value));
  }

  @Post(':id/discard')
  async discard(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string, @Res({ passthrough: true }) response: Response): Promise<string> {
    return this.act(response, id, 'print_invalid', () => this.runs.discard(caller, id));
  }

  /** A refused action (the run not ready any more, a date out of range) comes back to the run's page, saying why. */
  private async act(response: Response, id: string, invalid: string, action: () => Promise<unknown>): Promise<string> {
    try {
      await action();
      return seeOther(response, `/console/print-runs/${id}`);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code === 'not_found') throw error;
      return seeOther(response, `/console/print-runs/${id}?problem=${error.code === 'print_invalid' ? invalid : error.code}`);
    }
  }

  /** Where a start form came from: the appeal's or the cycle's page, when the id is one. */
  private backOf(appealId: string, cycleId: string): string | null {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    if (uuid.test(appealId) && !cycleId) return `/console/appeals/${appealId}`;
    if (uuid.test(cycleId) && !appealId) return `/console/cycles/${cycleId}`;
    return null;
  }

  /** The appeal or cycle of each run, by its id: one statement for the appeals, one read per cycle (a page names few). */
  private async titlesOf(runs: PrintRunView[]): Promise<Map<string, { href: string; title: string }>> {
    const appealIds = [...new Set(runs.flatMap((run) => (run.appealId ? [run.appealId] : [])))];
    const cycleIds = [...new Set(runs.flatMap((run) => (run.cycleId ? [run.cycleId] : [])))];
    const titles = new Map<string, { href: string; title: string }>();
    for (const appeal of await this.stats.appealSupporters(appealIds)) titles.set(appeal.id, { href: `/console/appeals/${appeal.id}`, title: appeal.title });
    for (const cycle of await Promise.all(cycleIds.map((cycleId) => this.cycles.get(cycleId)))) titles.set(cycle.id, { href: `/console/cycles/${cycle.id}`, title: `${cycle.title} (${cycle.month})` });
    return titles;
  }

  private row(run: PrintRunView, messages: Catalogue) {
    return {
      id: run.id,
      href: `/console/print-runs/${run.id}`,
      status: run.status,
      statusName: messages.t(`consolePrint.status.${run.status}`),
      kindName: messages.t(`consolePrint.kind.${run.kind}`),
      envelopesName: messages.t(`consolePrint.envelopes.${run.envelopes}`),
      paperSize: run.paperSize,
      letters: run.letters,
      pages: run.pages,
      created: { iso: new Date(run.createdAt).toISOString(), label: dayOf(run.createdAt, messages.language) },
      postedOn: run.postedOn ? { iso: run.postedOn, label: dayLabel(run.postedOn, messages.language) } : null,
    };
  }
}

/** A file's size in the page's language, in kB (at least 1). */
function kilobytes(bytes: number, messages: Catalogue): string {
  return new Intl.NumberFormat(messages.language, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 0 }).format(Math.max(1, Math.round(bytes / 1000)));
}
