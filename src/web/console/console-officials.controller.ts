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
import { OFFICIAL_FIELD_NAMES, officialCreateBody, officialFields, OfficialForm, officialFormFromBody, officialFormOf, officialUpdateBody } from './official-form';

const PAGE_SIZE = 25;
/** A pasted CSV stays well inside the urlencoded body limit (320 kB, percent-encoded). */
const MAX_CSV_CHARS = 100_000;
type StaffRequest = ConsoleRequest;

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
    return this.importPage(request, response, HttpStatus.OK, '', null, '');
  }

  @Post('import')
  async import(@Body() body: Record<string, unknown>, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const csv = textOf(body, 'csv');
    const messages = catalogueOf(staffOf(request).language);
    if (csv.trim() === '') return this.importPage(request, response, HttpStatus.BAD_REQUEST, csv, null, messages.t('consoleCases.import.empty'));
    if (csv.length > MAX_CSV_CHARS) return this.importPage(request, response, HttpStatus.BAD_REQUEST, '', null, messages.t('consoleCases.import.tooLong', { count: MAX_CSV_CHARS }));
    try {
      const report = await this.officials.import(csv);
      return this.importPage(request, response, HttpStatus.OK, '', report, '');
    } catch (error) {
      const refused = refusalOf(error, []);
      if (!refused) throw error;
      return this.importPage(request, response, HttpStatus.BAD_REQUEST, csv, null, Object.values(refused).flat().join(' '));
    }
  }

  @Get(':id')
  async show(@Param('id', UuidParam) id: string, @Query('done') done: unknown, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const official = await this.officials.get(id);
    const messages = catalogueOf(staffOf(request).language);
    return this.formPage(request, response, HttpStatus.OK, { id, name: official.name }, officialFormOf(official), {}, queryText(done) === 'saved' ? messages.t('consoleCases.officials.saved') : '');
  }

  /** The edit form: PATCH /api/officials/:id's semantics (an emptied optional field is cleared). */
  @Post(':id')
  async update(@Param('id', UuidParam) id: string, @Body() body: Record<string, unknown>, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const official = await this.officials.get(id);
    const form = officialFormFromBody(body);
    const checked = await validateForm(UpdateOfficialDto, officialUpdateBody(form), OFFICIAL_FIELD_NAMES);
    if (checked.problems) return this.formPage(request, response, HttpStatus.BAD_REQUEST, { id, name: official.name }, form, checked.problems, '');
    try {
      await this.officials.update(id, checked.value);
    } catch (error) {
      const refused = refusalOf(error, OFFICIAL_FIELD_NAMES);
      if (!refused) throw error;
      return this.formPage(request, response, HttpStatus.BAD_REQUEST, { id, name: official.name }, form, refused, '');
    }
    return seeOther(response, `/console/officials/${id}?done=saved`);
  }

  private formPage(request: StaffRequest, response: Response, status: number, official: { id: string; name: string } | null, form: OfficialForm, problems: FieldProblems, notice: string): string {
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const fields = officialFields(form, problems, messages);
    const csrf = this.csrf.tokenFor(request, response);
    const heading = official ? official.name : messages.t('consoleCases.officials.newHeading');
    const model = {
      heading,
      notice,
      action: official ? `/console/officials/${official.id}` : '/console/officials',
      button: messages.t(official ? 'consoleCases.officials.saveButton' : 'consoleCases.officials.createButton'),
      fields,
      problemList: problemSummary(fields, problems[''] ?? []),
      csrf,
    };
    pageHeaders(response, status);
    return this.views.render('console-official', model, consoleLayout(status === HttpStatus.OK ? heading : messages.t('consoleCases.form.refusedTitle', { title: heading }), '/console/officials', staff, csrf));
  }

  private importPage(request: StaffRequest, response: Response, status: number, csv: string, report: OfficialImportReport | null, problem: string): string {
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const csrf = this.csrf.tokenFor(request, response);
    const model = {
      csv,
      problem,
      columns: OFFICIAL_IMPORT_COLUMNS.join(','),
      report: report ? [{ ...report, summary: messages.t('consoleCases.import.summary', { created: report.created, updated: report.updated, errors: report.errors.length }), hasErrors: report.errors.length > 0 }] : [],
      csrf,
    };
    pageHeaders(response, status);
    const title = messages.t('consoleCases.import.title');
    return this.views.render('console-officials-import', model, consoleLayout(status === HttpStatus.OK ? title : messages.t('consoleCases.form.refusedTitle', { title }), '/console/officials', staff, csrf));
  }
}
