import { Controller, Get, HttpStatus, Inject, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CsrfGuard, CsrfService } from '../../auth/csrf.service';
import { StaffPage } from '../../common/auth/staff-page.decorator';
import { isDomainError } from '../../common/errors';
import { catalogueOf } from '../../common/i18n/messages';
import type { ImportProgress } from '../../supporters/supporter-import';
import { ImportReport } from '../../supporters/dto/supporter.dto';
import { SupportersService } from '../../supporters/supporters.service';
import { ViewsService } from '../views.service';
import { staffOf } from './console.controller';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { ConsoleRequest, renderConsole } from './console-page';
import { UploadRule, uploadOf } from './multipart-form';

/**
 * The form's multipart body (read by multipartForm, applied to this route in WebModule):
 * `_csrf`, then the file, as large as the API's text/csv body.
 */
export const MEMBERS_UPLOAD: UploadRule = { file: 'csv', maxFileBytes: 20 * 1024 * 1024, maxFields: 2 };

/**
 * The members' CSV upload: the same importer as POST /api/supporters/import
 * (SupportersService.importCsv), fed the file as it streams in (multipart, read by busboy),
 * written in pages of rows. The running import's progress is kept per staff member, so the
 * page shows it on reload (from another tab) while the upload is under way.
 * CsrfGuard checks the post as every form's: multipartForm has read the `_csrf` that comes
 * before the file, and no row is read before the guard lets the post in.
 */
@ApiExcludeController()
@Controller('console/members/import')
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConsoleMembersImportController {
  private readonly running = new Map<string, ImportProgress>();

  constructor(
    @Inject(SupportersService) private readonly supporters: SupportersService,
    @Inject(CsrfService) private readonly csrf: CsrfService,
    @Inject(ViewsService) private readonly views: ViewsService,
  ) {}

  @Get()
  form(@Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): string {
    return this.page(request, response, HttpStatus.OK, {});
  }

  @Post()
  async upload(@Req() request: ConsoleRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const file = uploadOf(request);
    if (!file || file.filename === '') return this.page(request, response, HttpStatus.BAD_REQUEST, { problem: messages.t('consoleMembers.import.noFile') });
    this.running.set(staff.id, { bytes: 0, rows: 0, created: 0, updated: 0, errors: 0 });
    let report: ImportReport;
    try {
      report = await this.supporters.importCsv(file.stream, staff.id, (progress) => this.running.set(staff.id, progress));
    } catch (error) {
      if (!isDomainError(error, 'csv_columns', 'csv_invalid', 'csv_empty')) throw error;
      return this.page(request, response, HttpStatus.BAD_REQUEST, { problem: error.message });
    } finally {
      this.running.delete(staff.id);
    }
    if (file.truncated()) report.errors.push({ line: 0, message: messages.t('consoleMembers.import.tooLarge') });
    return this.page(request, response, HttpStatus.OK, { report, errorCount: report.errors.length });
  }

  private page(request: ConsoleRequest, response: Response, status: number, model: object): string {
    const staff = staffOf(request);
    return renderConsole(this.views, response, staff, this.csrf.tokenFor(request, response), {
      view: 'console-members-import',
      titleKey: 'consoleMembers.import.title',
      section: '/console/members',
      status,
      model: { ...model, running: this.running.get(staff.id) ?? null },
    });
  }
}
