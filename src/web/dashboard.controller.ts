import { Controller, Get, HttpStatus, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CsrfService } from '../auth/csrf.service';
import { Caller, CurrentCaller } from '../common/auth/current-supporter.decorator';
import { Allow } from '../common/auth/roles.decorator';
import { catalogueOf } from '../common/i18n/messages';
import { UuidParam } from '../common/uuid.pipe';
import { LETTER_STATUSES } from '../letters/letter.entity';
import { StatsService } from '../stats/stats.service';
import { consoleLayout } from './console/console-layout';
import { pageHeaders } from './page-response';
import { LayoutModel, ViewsService } from './views.service';

/** JSON safe inside a <script type="application/json"> block: no `<` can close it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/**
 * The delivery dashboard, for admins and coordinators: every number comes from StatsService,
 * the service behind /api/stats. A browser is let in by the HttpOnly cookie from
 * POST /admin/session (or /admin/session/dashboard), which the access guard reads on /admin
 * paths; a Bearer header works too.
 */
@ApiExcludeController()
@Controller('admin')
export class DashboardController {
  constructor(
    @Inject(StatsService) private readonly stats: StatsService,
    @Inject(ViewsService) private readonly views: ViewsService,
    @Inject(CsrfService) private readonly csrf: CsrfService,
  ) {}

  /** Admins and coordinators; anonymous 401, members 403 (the access guard). */
  @Allow('coordinator')
  @Get()
  async dashboard(@CurrentCaller() caller: Caller, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    const startedAt = performance.now();
    const [overview, scopes, officials] = await Promise.all([this.stats.overview(), this.stats.byCaseAndAppeal(), this.stats.officialsPacing()]);
    const byDay = await this.stats.sentByDay();
    const language = languageOf(caller);
    const messages = catalogueOf(language);
    const label = (status: string) => messages.t(`consoleAppeals.letterStatus.${status}`);
    const model = {
      statuses: LETTER_STATUSES.map(label),
      totals: LETTER_STATUSES.map((status) => ({ status, label: label(status), count: overview.letters[status] })),
      total: overview.letters.total,
      lastHour: overview.throughput.lastHour,
      perMinute: (overview.throughput.lastHour / 60).toFixed(1),
      byDay,
      byDayJson: scriptJson(byDay),
      cases: scopes.cases.map((row) => ({ ...row, counts: LETTER_STATUSES.map((status) => ({ status, count: row.letters[status] })) })),
      appeals: scopes.appeals.map((row) => ({ ...row, counts: LETTER_STATUSES.map((status) => ({ status, count: row.letters[status] })) })),
      failures: overview.failures.map((failure) => ({ ...failure, statusLabel: label(failure.status), code: failure.code ?? '—' })),
      officials: officials.map((official) => ({
        ...official,
        maxLettersPerHour: official.maxLettersPerHour ?? messages.t('dashboard.noLimit'),
        officeHours: official.officeHours ? `${official.officeHours}${official.timezone ? ` (${official.timezone})` : ''}` : messages.t('dashboard.anyTime'),
      })),
    };
    pageHeaders(response, HttpStatus.OK, startedAt, true);
    // The console's navigation, so that a coordinator who came from the console can go back.
    const layout = consoleLayout(messages.t('dashboard.title'), '/admin', { role: caller.role, language }, this.csrf.tokenFor(request, response));
    return this.views.render('dashboard', model, { ...layout, scripts: [this.views.chartScriptPath, this.views.dashboardScriptPath] });
  }

  /**
   * A supporter's history, by the rule of /api/stats/supporters/:id (forSupporter): admins and
   * coordinators read anyone's; a member only its own, another's is not found.
   */
  @Allow('member')
  @Get('supporters/:id')
  async supporter(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string, @Res({ passthrough: true }) response: Response): Promise<string> {
    const startedAt = performance.now();
    const [history, supporter] = await Promise.all([this.stats.forSupporter(caller, id), this.stats.supporterHistory(id)]);
    const language = languageOf(caller);
    const messages = catalogueOf(language);
    const label = (status: string) => messages.t(`consoleAppeals.letterStatus.${status}`);
    const model = {
      id,
      name: supporter.name,
      totals: LETTER_STATUSES.map((status) => ({ status, label: label(status), count: history.letters[status] })),
      total: history.letters.total,
      cases: history.cases,
      letters: supporter.letters.map((letter) => ({ ...letter, statusLabel: label(letter.status) })),
    };
    pageHeaders(response, HttpStatus.OK, startedAt, true);
    const layout: LayoutModel = { title: supporter.name, language, nav: [{ href: '/admin', label: messages.t('dashboard.title'), current: false }], unsubscribeUrl: null, scripts: [] };
    return this.views.render('supporter-history', model, layout);
  }
}

/** The caller's language when a staff session brought it (the console's), else English. */
function languageOf(caller: Caller): string {
  const language = (caller as Caller & { language?: string | null }).language;
  return typeof language === 'string' ? language : 'en';
}
