import { PassThrough } from 'node:stream';
import { Controller, Get, HttpStatus, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import busboy from 'busboy';
import type { Response } from 'express';
import { CSRF_FIELD, CsrfRefusedError, CsrfService } from '../../auth/csrf.service';
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

/** The largest file the page takes, as the API's text/csv body. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;

/**
 * The members' CSV upload: the same importer as POST /api/supporters/import
 * (SupportersService.importCsv), fed the file as it streams in (multipart, read by busboy),
 * written in pages of rows. The running import's progress is kept per staff member, so the
 * page shows it on reload (from another tab) while the upload is under way.
 *
 * Not CsrfGuard: a multipart body is not parsed before guards run, so the guard would see
 * no token. The form puts `_csrf` before the file and the token is checked, with the same
 * CsrfService, before a single row is read.
 */
@ApiExcludeController()
@Controller('console/members/import')
@StaffPage()
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
    if (!request.headers['content-type']?.startsWith('multipart/form-data')) throw new CsrfRefusedError();
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: request.headers, limits: { files: 1, fields: 2, fileSize: MAX_FILE_BYTES } });
    } catch {
      throw new CsrfRefusedError();
    }
    const file = new PassThrough();
    let fields: Record<string, string> = {};
    let tooLarge = false;
    const gotFile = new Promise<boolean>((resolve, reject) => {
      parser.on('field', (name, value) => {
        fields = { ...fields, [name]: value };
      });
      parser.on('file', (name, stream) => {
        if (name !== 'csv') {
          stream.resume();
          return;
        }
        stream.on('limit', () => {
          tooLarge = true;
        });
        stream.pipe(file);
        resolve(true);
      });
      parser.on('close', () => resolve(false));
      parser.on('error', reject);
    });
    request.pipe(parser);
    const hasFile = await gotFile.catch(() => false);
    // The token came before the file: checked before any row is read.
    try {
      this.csrf.check(Object.assign(Object.create(request) as ConsoleRequest, { body: { [CSRF_FIELD]: fields[CSRF_FIELD] } }));
    } catch (error) {
      file.destroy();
      request.unpipe(parser);
      request.resume();
      throw error;
    }
    if (!hasFile) return this.page(request, response, HttpStatus.BAD_REQUEST, { problem: messages.t('consoleMembers.import.noFile') });
    this.running.set(staff.id, { bytes: 0, rows: 0, created: 0, updated: 0, errors: 0 });
    let report: ImportReport;
    try {
      report = await this.supporters.importCsv(file, staff.id, (progress) => this.running.set(staff.id, progress));
    } catch (error) {
      if (!isDomainError(error, 'csv_columns', 'csv_invalid', 'csv_empty')) throw error;
      return this.page(request, response, HttpStatus.BAD_REQUEST, { problem: error.message });
    } finally {
      this.running.delete(staff.id);
    }
    if (tooLarge) report.errors.push({ line: 0, message: messages.t('consoleMembers.import.tooLarge') });
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
