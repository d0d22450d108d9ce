import { Body, Controller, Get, HttpStatus, Inject, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CsrfGuard, CsrfService } from '../../auth/csrf.service';
import { StaffPage } from '../../common/auth/staff-page.decorator';
import { isDomainError } from '../../common/errors';
import { catalogueOf } from '../../common/i18n/messages';
import { SuppressionsService } from '../../inbound/suppressions.service';
import { OfficialsService } from '../../officials/officials.service';
import { pageHeaders } from '../page-response';
import { dayOf } from '../view-format';
import { ViewsService } from '../views.service';
import { staffOf } from './console.controller';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { textOf } from './console-form';
import { consoleLayout } from './console-layout';
import { ConsoleRequest, queryText, seeOther, whole } from './console-page';

const PAGE_SIZE = 50;
const FLAGGED_SHOWN = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DONE = ['lifted', 'unflagged', 'gone'] as const;
const BASE = '/console/deliverability';

/**
 * What the inbound listener told coordinators about officials' mailboxes: officials flagged by
 * a bounce or a complaint (cleared once looked at) and the addresses no letter goes to (lifted
 * when an address works again). Both calls are the API's services (POST
 * /api/officials/:id/unflag, DELETE /api/suppressions/:address), so both are in the audit log.
 */
@ApiExcludeController()
@Controller('console/deliverability')
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConsoleDeliverabilityController {
  constructor(
    @Inject(SuppressionsService) private readonly suppressions: SuppressionsService,
    @Inject(OfficialsService) private readonly officials: OfficialsService,
    @Inject(CsrfService) private readonly csrf: CsrfService,
    @Inject(ViewsService) private readonly views: ViewsService,
  ) {}

  @Get()
  async page(@Query() query: Record<string, unknown>, @Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const startedAt = performance.now();
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const page = whole(query.page, 1);
    const [flagged, suppressed] = await Promise.all([this.officials.flagged(FLAGGED_SHOWN), this.suppressions.list(page, PAGE_SIZE)]);
    const pages = Math.max(1, Math.ceil(suppressed.total / PAGE_SIZE));
    const done = queryText(query.done);
    const heading = messages.t('consoleDeliverability.heading');
    const model = {
      heading,
      notice: (DONE as readonly string[]).includes(done) ? messages.t(`consoleDeliverability.done.${done}`) : '',
      flaggedHeading: messages.t('consoleDeliverability.flaggedHeading', { count: flagged.total }),
      flaggedMore: flagged.total > flagged.items.length ? messages.t('consoleDeliverability.flaggedMore', { shown: flagged.items.length, count: flagged.total }) : '',
      flagged: flagged.items.map((official, index) => ({
        id: official.id,
        href: `/console/officials/${official.id}`,
        name: official.name,
        title: official.title,
        reason: official.flagReason ?? '',
        since: messages.t('consoleDeliverability.since', { day: dayOf(official.flaggedAt ?? new Date(), staff.language) }),
        clearLabel: messages.t('consoleDeliverability.clearFor', { name: official.name, number: index + 1 }),
      })),
      suppressedHeading: messages.t('consoleDeliverability.suppressedHeading', { count: suppressed.total }),
      suppressed: suppressed.items.map((row) => ({
        address: row.address,
        reason: row.reason,
        since: dayOf(row.createdAt, staff.language),
        liftLabel: messages.t('consoleDeliverability.liftFor', { address: row.address }),
      })),
      pageText: messages.t('consoleDeliverability.pageOf', { page, pages, count: suppressed.total }),
      previous: page > 1 ? `${BASE}?page=${page - 1}` : '',
      next: page < pages ? `${BASE}?page=${page + 1}` : '',
    };
    const csrf = this.csrf.tokenFor(request, response);
    pageHeaders(response, HttpStatus.OK, startedAt);
    return this.views.render('console-deliverability', { ...model, csrf }, consoleLayout(heading, BASE, staff, csrf));
  }

  /** Letters may go to the address again. */
  @Post('lift')
  async lift(@Body() body: Record<string, unknown>, @Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const staff = staffOf(request);
    try {
      await this.suppressions.lift(textOf(body, 'address').trim(), staff.id);
    } catch (error) {
      if (isDomainError(error, 'not_found', 'suppression_invalid')) return seeOther(response, `${BASE}?done=gone`);
      throw error;
    }
    return seeOther(response, `${BASE}?done=lifted`);
  }

  /** The coordinator has looked at the official's flag. */
  @Post('unflag')
  async unflag(@Body() body: Record<string, unknown>, @Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const staff = staffOf(request);
    const officialId = textOf(body, 'officialId');
    if (!UUID.test(officialId)) return seeOther(response, `${BASE}?done=gone`);
    try {
      await this.officials.unflag(officialId, staff.id);
    } catch (error) {
      if (isDomainError(error, 'not_found')) return seeOther(response, `${BASE}?done=gone`);
      throw error;
    }
    return seeOther(response, `${BASE}?done=unflagged`);
  }
}
