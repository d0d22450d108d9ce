import { Body, Controller, Get, HttpStatus, Inject, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CsrfGuard, CsrfService } from '../../auth/csrf.service';
import { StaffPage } from '../../common/auth/staff-page.decorator';
import { catalogueOf } from '../../common/i18n/messages';
import { UuidParam } from '../../common/uuid.pipe';
import { CreateOfficialDto, OfficialImportReport, UpdateOfficialDto } from '../../officials/dto/official.dto';
import { OFFICIAL_IMPORT_COLUMNS } from '../../officials/official-import';
import { OfficialsService } from '../../officials/officials.service';
import { pageHeaders } from '../page-response';
import { ViewsService } from '../views.service';
import { countryName } from './case-form';
import { staffOf } from './console.controller';
import { ConsoleRequest, queryText, seeOther } from './console-page';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { FieldProblems, problemSummary, refusalOf, textOf, validateForm } from './console-form';
import { consoleLayout } from './console-layout';
import { readCsvUpload } from './csv-upload';
import { UploadRule, uploadOf } from './multipart-form';
import { OFFICIAL_FIELD_NAMES, officialCreateBody, officialFields, OfficialForm, officialFormFromBody, officialFormOf, officialUpdateBody } from './official-form';

const PAGE_SIZE = 25;
/** A pasted CSV stays well inside the urlencoded body limit (320 kB, percent-encoded). */
const MAX_CSV_CHARS = 100_000;
const MAX_FILE_MEGABYTES = 2;
/**
 * The import form's multipart body (read by multipartForm, applied to this route in
 * WebModule): `_csrf` and the pasted text, then the file. 2 MB is MAX_OFFICIAL_ROWS rows
 * of 400 bytes; the file is read whole before the import, so a larger one is refused whole.
 */
export const OFFICIALS_UPLOAD: UploadRule = { file: 'csvFile', maxFileBytes: MAX_FILE_MEGABYTES * 1024 * 1024, maxFields: 2 };
type StaffRequest = ConsoleRequest;

/** The import page's state: the pasted text kept, the report, or the problem beside the text (`csv`) or the file (`csvFile`). */
interface ImportState {
  csv?: string;
  report?: OfficialImportReport;
  problems?: { csv?: string; csvFile?: string };
}

/**
 * The console's officials: the directory with its search, a new official, one official with
 * its edit form (every field: pace, office hours and days, timezone, postal address), and the
 * CSV import with its report by line. Each form calls OfficialsService as its API route does.
 */
@ApiExcludeController()
@Controller('console/officials')
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConsoleOfficialsController {
  constructor(
    @Inject(OfficialsService) private readonly officials: OfficialsService,
    @Inject(CsrfService) private readonly csrf: CsrfService,
    @Inject(ViewsService) private readonly views: ViewsService,
  ) {}

  @Get()
  async list(@Query() query: Record<string, unknown>, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const startedAt = performance.now();
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const search = queryText(query.search);
    const page = /^\d{1,6}$/.test(queryText(query.page)) ? Math.max(1, Number(queryText(query.page))) : 1;
    const found = await this.officials.list(page, PAGE_SIZE, search || undefined);
    const pages = Math.max(1, Math.ceil(found.total / PAGE_SIZE));
    const link = (to: number) => `/console/officials?${new URLSearchParams({ ...(search ? { search } : {}), page: String(to) }).toString()}`;
    const model = {
      search,
      officials: found.items.map((official) => ({
        id: official.id,
        name: official.name,
        title: official.title,
        organisation: official.organisation ?? '',
        countryName: countryName(official.country, staff.language),
        reach: [official.email ? messages.t('consoleCases.officials.byEmail') : '', official.postalAddress ? messages.t('consoleCases.officials.byPost') : ''].filter(Boolean).join(', '),
        href: `/console/officials/${official.id}`,
      })),
      pageText: messages.t('consoleCases.list.pageOf', { page, pages, count: found.total }),
      previous: page > 1 ? link(page - 1) : '',
      next: page < pages ? link(page + 1) : '',
    };
    pageHeaders(response, HttpStatus.OK, startedAt);
    return this.views.render('console-officials', model, consoleLayout(messages.t('consoleCases.officials.title'), '/console/officials', staff, this.csrf.tokenFor(request, response)));
  }

  @Get('new')
  newOfficial(@Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): string {
    return this.formPage(request, response, HttpStatus.OK, null, officialFormOf(), {}, '');
  }

  @Post()
  async create(@Body() body: Record<string, unknown>, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const form = officialFormFromBody(body);
    const checked = await validateForm(CreateOfficialDto, officialCreateBody(form), OFFICIAL_FIELD_NAMES);
    if (checked.problems) return this.formPage(request, response, HttpStatus.BAD_REQUEST, null, form, checked.problems, '');
    try {
      const created = await this.officials.create(checked.value);
      return seeOther(response, `/console/officials/${created.id}`);
    } catch (error) {
      const refused = refusalOf(error, OFFICIAL_FIELD_NAMES);
      if (!refused) throw error;
      return this.formPage(request, response, HttpStatus.BAD_REQUEST, null, form, refused, '');
    }
  }

  @Get('import')
  importForm(@Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): string {
    return this.importPage(request, response, HttpStatus.OK, {});
  }

  /**
   * The pasted text (urlencoded, or multipart beside the file) or the uploaded file, through
   * the import of POST /api/officials/import. A refused post writes nothing: the problem is
   * shown beside the text or the file.
   */
  @Post('import')
  async import(@Body() body: Record<string, unknown>, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const csv = textOf(body, 'csv');
    const messages = catalogueOf(staffOf(request).language);
    const refused = (problems: ImportState['problems'], kept = '') => this.importPage(request, response, HttpStatus.BAD_REQUEST, { csv: kept, problems });
    const upload = uploadOf(request);
    if (upload && upload.filename !== '') {
      if (csv.trim() !== '') return refused({ csvFile: messages.t('consoleCases.import.fileAndText') }, csv);
      const file = await readCsvUpload(upload);
      if ('refused' in file) {
        return refused({ csvFile: messages.t(file.refused === 'too_large' ? 'consoleCases.import.fileTooLarge' : 'consoleCases.import.notCsv', { megabytes: MAX_FILE_MEGABYTES }) });
      }
      return this.importText(request, response, file.text, 'csvFile');
    }
    if (csv.trim() === '') return refused({ csv: messages.t('consoleCases.import.empty') }, csv);
    if (csv.length > MAX_CSV_CHARS) return refused({ csv: messages.t('consoleCases.import.tooLong', { count: MAX_CSV_CHARS }) });
    return this.importText(request, response, csv, 'csv');
  }

  /** The report, or the import's refusal of the whole text (a header naming an unknown column) beside where the text came from. */
  private async importText(request: StaffRequest, response: Response, csv: string, from: 'csv' | 'csvFile'): Promise<string> {
    try {
      const report = await this.officials.import(csv, staffOf(request).id);
      return this.importPage(request, response, HttpStatus.OK, { report });
    } catch (error) {
      const refused = refusalOf(error, []);
      if (!refused) throw error;
      return this.importPage(request, response, HttpStatus.BAD_REQUEST, { csv: from === 'csv' ? csv : '', problems: { [from]: Object.values(refused).flat().join(' ') } });
    }
  }

  @Get(':id')
  async show(@Param('id', UuidParam) id: string, @Query('done') done: unknown, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const official = await this.officials.get(id);
    const messages = catalogueOf(staffOf(request).language);
    return this.formPage(request, response, HttpStatus.OK, { id, name: official.name, flagReason: official.flaggedAt ? (official.flagReason ?? '') : null }, officialFormOf(official), {}, queryText(done) === 'saved' ? messages.t('consoleCases.officials.saved') : '');
  }

  /** The edit form: PATCH /api/officials/:id's semantics (an emptied optional field is cleared). */
  @Post(':id')
  async update(@Param('id', UuidParam) id: string, @Body() body: Record<string, unknown>, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const official = await this.officials.get(id);
    const form = officialFormFromBody(body);
    const checked = await validateForm(UpdateOfficialDto, officialUpdateBody(form), OFFICIAL_FIELD_NAMES);
    if (checked.problems) return this.formPage(request, response, HttpStatus.BAD_REQUEST, { id, name: official.name, flagReason: official.flaggedAt ? (official.flagReason ?? '') : null }, form, checked.problems, '');
    try {
      await this.officials.update(id, checked.value);
    } catch (error) {
      const refused = refusalOf(error, OFFICIAL_FIELD_NAMES);
      if (!refused) throw error;
      return this.formPage(request, response, HttpStatus.BAD_REQUEST, { id, name: official.name, flagReason: official.flaggedAt ? (official.flagReason ?? '') : null }, form, refused, '');
    }
    return seeOther(response, `/console/officials/${id}?done=saved`);
  }

  private formPage(request: StaffRequest, response: Response, status: number, official: { id: string; name: string; flagReason: string | null } | null, form: OfficialForm, problems: FieldProblems, notice: string): string {
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const fields = officialFields(form, problems, messages);
    const csrf = this.csrf.tokenFor(request, response);
    const heading = official ? official.name : messages.t('consoleCases.officials.newHeading');
    const model = {
      heading,
      notice,
      // Set by a bounce or a complaint; cleared on the deliverability page.
      flag: official && official.flagReason !== null ? messages.t('consoleDeliverability.officialFlag', { reason: official.flagReason }) : '',
      action: official ? `/console/officials/${official.id}` : '/console/officials',
      button: messages.t(official ? 'consoleCases.officials.saveButton' : 'consoleCases.officials.createButton'),
      fields,
      problemList: problemSummary(fields, problems[''] ?? []),
      csrf,
    };
    pageHeaders(response, status);
    return this.views.render('console-official', model, consoleLayout(status === HttpStatus.OK ? heading : messages.t('consoleCases.form.refusedTitle', { title: heading }), '/console/officials', staff, csrf));
  }

  private importPage(request: StaffRequest, response: Response, status: number, state: ImportState): string {
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const csrf = this.csrf.tokenFor(request, response);
    const { report, problems = {} } = state;
    const model = {
      csv: state.csv ?? '',
      problem: problems.csv ?? '',
      fileProblem: problems.csvFile ?? '',
      problemList: problemSummary(
        [
          { id: 'csv', problems: problems.csv ? [problems.csv] : [] },
          { id: 'csv-file', problems: problems.csvFile ? [problems.csvFile] : [] },
        ],
        [],
      ),
      megabytes: MAX_FILE_MEGABYTES,
      columns: OFFICIAL_IMPORT_COLUMNS.join(','),
      report: report ? [{ ...report, summary: messages.t('consoleCases.import.summary', { created: report.created, updated: report.updated, errors: report.errors.length }), hasErrors: report.errors.length > 0 }] : [],
      csrf,
    };
    pageHeaders(response, status);
    const title = messages.t('consoleCases.import.title');
    return this.views.render('console-officials-import', model, consoleLayout(status === HttpStatus.OK ? title : messages.t('consoleCases.form.refusedTitle', { title }), '/console/officials', staff, csrf));
  }
}
