import { Body, Controller, Get, HttpStatus, Inject, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppealsService } from '../../appeals/appeals.service';
import { CsrfGuard, CsrfService } from '../../auth/csrf.service';
import { StaffPage } from '../../common/auth/staff-page.decorator';
import { DomainError } from '../../common/errors';
import { catalogueOf } from '../../common/i18n/messages';
import { UuidParam } from '../../common/uuid.pipe';
import { CyclesService } from '../../cycles/cycles.service';
import { CreateCycleDto, CycleView } from '../../cycles/dto/cycle.dto';
import { PrintRunsService } from '../../print/print-runs.service';
import { StatsService } from '../../stats/stats.service';
import { ViewsService } from '../views.service';
import { staffOf } from './console.controller';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { ConsoleRequest, fieldOf, fieldsOf, formProblems, renderConsole, seeOther } from './console-page';
import { printStartOf } from './print-start';

/** Cycles listed per page; appeals offered in the new-cycle form. */
const CYCLES_SHOWN = 50;
const APPEALS_OFFERED = 100;

/**
 * The console's cycles: list with invited / signed / reminded, the new-cycle form (the API's
 * field names: month, title, appealIds repeated, reminderAfterDays), and one cycle with its
 * open and remind buttons. Every action through CyclesService, as /api/cycles.
 */
@ApiExcludeController()
@Controller('console/cycles')
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConsoleCyclesController {
  constructor(
    @Inject(CyclesService) private readonly cycles: CyclesService,
    @Inject(AppealsService) private readonly appeals: AppealsService,
    @Inject(StatsService) private readonly stats: StatsService,
    @Inject(PrintRunsService) private readonly printRuns: PrintRunsService,
    @Inject(CsrfService) private readonly csrf: CsrfService,
    @Inject(ViewsService) private readonly views: ViewsService,
  ) {}

  @Get()
  async list(@Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const startedAt = performance.now();
    const staff = staffOf(request);
    const page = await this.cycles.list(1, CYCLES_SHOWN);
    const signed = await this.signedOf(page.items);
    const rows = page.items.map((cycle) => this.row(cycle, staff.language, signed));
    return renderConsole(this.views, response, staff, this.csrf.tokenFor(request, response), {
      view: 'console-cycles',
      titleKey: 'consoleMembers.cycles.title',
      section: '/console/cycles',
      startedAt,
      model: { cycles: rows, more: Math.max(0, page.total - page.items.length) },
    });
  }

  @Get('new')
  async form(@Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    return this.formPage(request, response, HttpStatus.OK, { month: '', title: '', appealIds: [], reminderAfterDays: '' }, {});
  }

  @Post('new')
  async create(@Body() body: Record<string, unknown>, @Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const staff = staffOf(request);
    const values = { month: fieldOf(body, 'month', 7), title: fieldOf(body, 'title', 200), appealIds: fieldsOf(body, 'appealIds', 20), reminderAfterDays: fieldOf(body, 'reminderAfterDays', 3) };
    const input = { month: values.month, title: values.title, appealIds: values.appealIds, ...(values.reminderAfterDays ? { reminderAfterDays: Number(values.reminderAfterDays) } : {}) };
    const { value, problems } = await formProblems(CreateCycleDto, input, staff.language);
    if (Object.keys(problems).length > 0) return this.formPage(request, response, HttpStatus.BAD_REQUEST, values, problems);
    try {
      const cycle = await this.cycles.create(value);
      return seeOther(response, `/console/cycles/${cycle.id}`);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code === 'not_found') throw error;
      return this.formPage(request, response, HttpStatus.BAD_REQUEST, values, { appealIds: error.message });
    }
  }

  @Get(':id')
  async cycle(@Param('id', UuidParam) id: string, @Query('problem') problem: unknown, @Query('printProblem') printProblem: unknown, @Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const startedAt = performance.now();
    const staff = staffOf(request);
    const cycle = await this.cycles.get(id);
    const messages = catalogueOf(staff.language);
    const signed = await this.signedOf([cycle]);
    const appeals = (await this.stats.appealSupporters(cycle.appealIds)).map((appeal) => ({ id: appeal.id, title: appeal.title, signed: appeal.supporters }));
    const print = await printStartOf(this.printRuns, { cycleId: id }, printProblem, messages, false);
    const problemKey = typeof problem === 'string' && /^[a-z_]{1,40}$/.test(problem) ? `consoleMembers.cycle.problem.${problem}` : null;
    return renderConsole(this.views, response, staff, this.csrf.tokenFor(request, response), {
      view: 'console-cycle',
      titleKey: 'consoleMembers.cycle.title',
      section: '/console/cycles',
      startedAt,
      model: {
        cycle: this.row(cycle, staff.language, signed),
        appeals,
        mayOpen: cycle.status === 'draft',
        mayRemind: cycle.status === 'open' && !cycle.remindedAt,
        problem: problemKey && messages.has(problemKey) ? messages.t(problemKey) : null,
        print,
      },
    });
  }

  @Post(':id/open')
  async open(@Param('id', UuidParam) id: string, @Res({ passthrough: true }) response: Response): Promise<string> {
    return this.act(response, id, () => this.cycles.open(id));
  }

  @Post(':id/remind')
  async remind(@Param('id', UuidParam) id: string, @Res({ passthrough: true }) response: Response): Promise<string> {
    return this.act(response, id, () => this.cycles.remind(id));
  }

  /** A refused action (opened already, reminded too early...) comes back to the cycle's page, saying why. */
  private async act(response: Response, id: string, action: () => Promise<unknown>): Promise<string> {
    try {
      await action();
      return seeOther(response, `/console/cycles/${id}`);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code === 'not_found') throw error;
      return seeOther(response, `/console/cycles/${id}?problem=${error.code}`);
    }
  }

  /** Supporters of every appeal of these cycles, by appeal id: one statement for the whole page, not a few per appeal of each cycle. */
  private async signedOf(cycles: CycleView[]): Promise<Map<string, number>> {
    const appeals = await this.stats.appealSupporters([...new Set(cycles.flatMap((cycle) => cycle.appealIds))]);
    return new Map(appeals.map((appeal) => [appeal.id, appeal.supporters]));
  }

  private row(cycle: CycleView, language: string, signed: Map<string, number>): object {
    const messages = catalogueOf(language);
    return {
      ...cycle,
      statusName: messages.has(`console.cycleStatus.${cycle.status}`) ? messages.t(`console.cycleStatus.${cycle.status}`) : cycle.status,
      signed: cycle.appealIds.reduce((sum, appealId) => sum + (signed.get(appealId) ?? 0), 0),
    };
  }

  private async formPage(request: ConsoleRequest, response: Response, status: number, values: { month: string; title: string; appealIds: string[]; reminderAfterDays: string }, errors: Record<string, string>): Promise<string> {
    const staff = staffOf(request);
    const appeals = await this.appeals.list({ page: 1, limit: APPEALS_OFFERED });
    return renderConsole(this.views, response, staff, this.csrf.tokenFor(request, response), {
      view: 'console-cycle-new',
      titleKey: 'consoleMembers.cycleNew.title',
      section: '/console/cycles',
      status,
      model: {
        values,
        errors,
        hasErrors: Object.keys(errors).length > 0,
        appeals: appeals.items.map((appeal) => ({ id: appeal.id, title: appeal.title, statusName: catalogueOf(staff.language).t(`consoleAppeals.appealStatus.${appeal.status}`), checked: values.appealIds.includes(appeal.id) })),
      },
    });
  }
}
