import { Controller, Get, HttpStatus, Inject, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CsrfGuard, CsrfService } from '../../auth/csrf.service';
import type { StaffCaller } from '../../auth/staff-sessions.service';
import { StaffPage } from '../../common/auth/staff-page.decorator';
import { catalogueOf } from '../../common/i18n/messages';
import { pageHeaders } from '../page-response';
import { ViewsService } from '../views.service';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { ConsoleHomeService } from './console-home.service';
import { consoleLayout } from './console-layout';

/**
 * The staff console's pages, for coordinators and admins (the session cookie, or a Bearer
 * header). Anonymous visitors are sent to /login, members get 403 (the access guard and
 * ConsoleExceptionFilter). Pages of each section are added beside this one.
 */
@ApiExcludeController()
@Controller('console')
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConsoleController {
  constructor(
    @Inject(ConsoleHomeService) private readonly home: ConsoleHomeService,
    @Inject(CsrfService) private readonly csrf: CsrfService,
    @Inject(ViewsService) private readonly views: ViewsService,
  ) {}

  @Get()
  async homePage(@Req() request: Request & { caller: StaffCaller }, @Res({ passthrough: true }) response: Response): Promise<string> {
    const startedAt = performance.now();
    const staff = staffOf(request);
    const model = await this.home.model(staff.language, staff.role);
    pageHeaders(response, HttpStatus.OK, startedAt);
    return this.views.render('console-home', model, consoleLayout(catalogueOf(staff.language).t('console.homePage.title'), '/console', staff, this.csrf.tokenFor(request, response)));
  }
}

/** The caller the access guard found: a session's carries its language; a Bearer caller's pages are in English. */
export function staffOf(request: Request & { caller: StaffCaller }): StaffCaller {
  return { ...request.caller, language: request.caller.language ?? 'en' };
}
