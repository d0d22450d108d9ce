import { BadRequestException, Body, Controller, Get, HttpStatus, Inject, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CsrfGuard, CsrfService } from '../../auth/csrf.service';
import { CASE_STATUSES, CaseStatus } from '../../cases/case.entity';
import { CasesService } from '../../cases/cases.service';
import { CreateCaseDto, CreateCaseEventDto, UpdateCaseDto } from '../../cases/dto/case.dto';
import { StaffPage } from '../../common/auth/staff-page.decorator';
import { Catalogue, catalogueOf } from '../../common/i18n/messages';
import { UuidParam } from '../../common/uuid.pipe';
import { ModerationService } from '../../moderation/moderation.service';
import { RepliesService } from '../../inbound/replies.service';
import { OUTCOMES, OutcomesService, type Outcome } from '../../outcomes/outcomes.service';
import { pageHeaders } from '../page-response';
import { ViewsService } from '../views.service';
import { caseFieldNames, caseFields, caseFormFromBody, caseFormOf, CaseForm, countryName, createBodyOf, OUTCOME_STATUSES, problemText, updateBodyOf } from './case-form';
import { staffOf } from './console.controller';
import { ConsoleRequest, queryText, seeOther } from './console-page';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { FieldProblems, formField, problemSummary, textOf, validateForm } from './console-form';
import { consoleLayout } from './console-layout';

const PAGE_SIZE = 25;
const EVENT_FIELDS = ['occurredOn', 'kind', 'description', 'sourceUrl'] as const;
type StaffRequest = ConsoleRequest;



/**
 * The console's cases: the list (search, filters), a new case, a case with its edit form and
 * timeline, and marking an outcome after a confirmation. Each form calls the service of its
 * API route (CasesService; a change through OutcomesService, as PATCH /api/cases/:id does),
 * with the body checked by the API's own DTO and validation pipe.
 */
@ApiExcludeController()
@Controller('console/cases')
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConsoleCasesController {
  constructor(
    @Inject(CasesService) private readonly cases: CasesService,
    @Inject(OutcomesService) private readonly outcomes: OutcomesService,
    @Inject(ModerationService) private readonly moderation: ModerationService,
    @Inject(RepliesService) private readonly replies: RepliesService,
    @Inject(CsrfService) private readonly csrf: CsrfService,
    @Inject(ViewsService) private readonly views: ViewsService,
  ) {}

  @Get()
  async list(@Query() query: Record<string, unknown>, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const startedAt = performance.now();
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const search = queryText(query.search);
    const status = (CASE_STATUSES as readonly string[]).includes(queryText(query.status)) ? (queryText(query.status) as CaseStatus) : '';
    const country = /^[A-Za-z]{2}$/.test(queryText(query.country)) ? queryText(query.country).toUpperCase() : '';
    const page = /^\d{1,6}$/.test(queryText(query.page)) ? Math.max(1, Number(queryText(query.page))) : 1;
    const found = await this.cases.list(page, PAGE_SIZE, { ...(search ? { search } : {}), ...(status ? { status } : {}), ...(country ? { country } : {}) });
    const pages = Math.max(1, Math.ceil(found.total / PAGE_SIZE));
    const link = (to: number) => `/console/cases?${new URLSearchParams({ ...(search ? { search } : {}), ...(status ? { status } : {}), ...(country ? { country } : {}), page: String(to) }).toString()}`;
    const model = {
      search,
      country,
      filtered: Boolean(search || status || country),
      statuses: [{ value: '', label: messages.t('consoleCases.list.anyStatus'), selected: status === '' }, ...CASE_STATUSES.map((value) => ({ value, label: messages.t(`caseStatus.${value}`), selected: value === status }))],
      cases: found.items.map((record) => ({ ...record, statusName: messages.t(`caseStatus.${record.status}`), countryName: countryName(record.country, staff.language), href: `/console/cases/${record.id}` })),
      total: found.total,
      pageText: messages.t('consoleCases.list.pageOf', { page, pages, count: found.total }),
      previous: page > 1 ? link(page - 1) : '',
      next: page < pages ? link(page + 1) : '',
    };
    pageHeaders(response, HttpStatus.OK, startedAt);
    return this.views.render('console-cases', model, consoleLayout(messages.t('consoleCases.list.title'), '/console/cases', staff, this.csrf.tokenFor(request, response)));
  }

  @Get('new')
  newCase(@Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): string {
    return this.newPage(request, response, HttpStatus.OK, caseFormOf(), {});
  }

  @Post()
  async create(@Body() body: Record<string, unknown>, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const form = caseFormFromBody(body, []);
    const checked = await validateForm(CreateCaseDto, createBodyOf(form), caseFieldNames(form));
    if (checked.problems) return this.newPage(request, response, HttpStatus.BAD_REQUEST, form, checked.problems);
    const created = await this.cases.create(checked.value);
    return seeOther(response, `/console/cases/${created.id}`);
  }

  @Get(':id')
  async show(@Param('id', UuidParam) id: string, @Query('done') done: unknown, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const record = await this.cases.get(id, 'staff');
    const notice = ['saved', 'event', 'outcome'].includes(queryText(done)) ? queryText(done) : '';
    return this.casePage(request, response, HttpStatus.OK, id, { edit: caseFormOf(record), editProblems: {}, event: emptyEvent(), eventProblems: {}, notice });
  }

  /** The edit form: PATCH /api/cases/:id's semantics, through OutcomesService.update. An outcome is refused here: it has its confirmation. */
  @Post(':id')
  async update(@Param('id', UuidParam) id: string, @Body() body: Record<string, unknown>, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const record = await this.cases.get(id);
    const form = caseFormFromBody(body, Object.keys(record.translations));
    const names = caseFieldNames(form);
    const checked = await validateForm(UpdateCaseDto, updateBodyOf(form), names);
    const problems: FieldProblems = checked.problems ?? {};
    const messages = catalogueOf(staffOf(request).language);
    if (OUTCOME_STATUSES.includes(form.fields.status as CaseStatus) && form.fields.status !== record.status) (problems.status ??= []).push(messages.t('consoleCases.case.outcomeNotHere'));
    if (checked.problems || Object.keys(problems).length > 0) {
      return this.casePage(request, response, HttpStatus.BAD_REQUEST, id, { edit: form, editProblems: problems, event: emptyEvent(), eventProblems: {}, notice: '' });
    }
    await this.outcomes.update(id, checked.value!);
    return seeOther(response, `/console/cases/${id}?done=saved`);
  }

  @Post(':id/events')
  async addEvent(@Param('id', UuidParam) id: string, @Body() body: Record<string, unknown>, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const event = Object.fromEntries(EVENT_FIELDS.map((name) => [name, textOf(body, name)])) as Record<(typeof EVENT_FIELDS)[number], string>;
    const input = Object.fromEntries(Object.entries(event).filter(([name, value]) => value !== '' || name !== 'sourceUrl'));
    const checked = await validateForm(CreateCaseEventDto, input, EVENT_FIELDS);
    if (checked.problems) {
      const record = await this.cases.get(id, 'staff');
      return this.casePage(request, response, HttpStatus.BAD_REQUEST, id, { edit: caseFormOf(record), editProblems: {}, event, eventProblems: checked.problems, notice: '' });
    }
    await this.cases.addEvent(id, checked.value);
    return seeOther(response, `/console/cases/${id}?done=event#timeline`);
  }

  /** What marking the outcome will do, and the button that does it. */
  @Get(':id/outcome')
  async confirmOutcome(@Param('id', UuidParam) id: string, @Query('status') status: unknown, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const outcome: Outcome = queryText(status) === 'deceased' ? 'deceased' : 'released';
    const [record, preview] = await Promise.all([this.cases.get(id), this.outcomes.preview(id, outcome)]);
    const model = {
      caseName: record.name,
      caseHref: `/console/cases/${id}`,
      action: `/console/cases/${id}/outcome`,
      status: outcome,
      heading: messages.t(`consoleCases.outcome.heading.${outcome}`, { name: record.name }),
      alreadyMarked: preview.alreadyMarked,
      alreadyText: messages.t('consoleCases.outcome.already', { status: messages.t(`caseStatus.${outcome}`) }),
      effects: [
        messages.t('consoleCases.outcome.appeals', { count: preview.appealsToClose }),
        messages.t('consoleCases.outcome.letters', { count: preview.lettersToCancel }),
        messages.t('consoleCases.outcome.thankYous', { count: preview.thankYousToQueue }),
      ],
      button: messages.t(`consoleCases.outcome.button.${outcome}`),
      other: { href: `/console/cases/${id}/outcome?status=${outcome === 'released' ? 'deceased' : 'released'}`, label: messages.t(`consoleCases.outcome.switch.${outcome === 'released' ? 'deceased' : 'released'}`) },
    };
    const csrf = this.csrf.tokenFor(request, response);
    pageHeaders(response, HttpStatus.OK);
    return this.views.render('console-case-outcome', { ...model, csrf }, consoleLayout(model.heading, '/console/cases', staff, csrf));
  }

  @Post(':id/outcome')
  async markOutcome(@Param('id', UuidParam) id: string, @Body() body: Record<string, unknown>, @Res({ passthrough: true }) response: Response): Promise<string> {
    const status = textOf(body, 'status');
    if (!(OUTCOMES as readonly string[]).includes(status)) throw new BadRequestException(`status must be one of ${OUTCOMES.join(', ')}`);
    await this.outcomes.update(id, { status: status as Outcome });
    return seeOther(response, `/console/cases/${id}?done=outcome`);
  }

  private newPage(request: StaffRequest, response: Response, status: number, form: CaseForm, problems: FieldProblems): string {
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const fields = caseFields(form, problems, messages, false);
    const model = { fields, problemList: problemSummary(fields.all, [...(problems[''] ?? []), ...fields.translationProblems]), csrf: this.csrf.tokenFor(request, response) };
    pageHeaders(response, status);
    const title = messages.t('consoleCases.create.title');
    return this.views.render('console-case-new', model, consoleLayout(status === HttpStatus.OK ? title : messages.t('consoleCases.form.refusedTitle', { title }), '/console/cases', staff, model.csrf));
  }

  private async casePage(
    request: StaffRequest,
    response: Response,
    status: number,
    id: string,
    state: { edit: CaseForm; editProblems: FieldProblems; event: Record<string, string>; eventProblems: FieldProblems; notice: string },
  ): Promise<string> {
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const [record, messageCounts, replies] = await Promise.all([this.cases.get(id, 'staff'), this.moderation.counts(id), this.replies.list(id, 1, 1)]);
    const fields = caseFields(state.edit, state.editProblems, messages, true);
    const eventFields = eventFormFields(state.event, state.eventProblems, messages);
    const csrf = this.csrf.tokenFor(request, response);
    const model = {
      record: {
        ...record,
        statusName: messages.t(`caseStatus.${record.status}`),
        riskName: messages.t(`consoleCases.fields.risk.${record.risk}`),
        countryName: countryName(record.country, staff.language),
        profession: record.profession ?? '',
        detainedOn: record.detainedOn ?? '',
        charges: record.charges ?? '',
      },
      notice: state.notice ? messages.t(`consoleCases.case.done.${state.notice}`) : '',
      events: record.events.map((event) => ({ ...event, sourceUrl: event.sourceUrl ?? '' })),
      fields,
      editProblems: problemSummary(fields.all, [...(state.editProblems[''] ?? []), ...fields.translationProblems]),
      eventFields,
      eventProblems: problemSummary(eventFields, state.eventProblems[''] ?? []),
      messagesHref: `/console/cases/${id}/messages`,
      messagesLink: messages.t('consoleCases.case.messagesLink', { count: messageCounts.held }),
      repliesHref: `/console/cases/${id}/replies`,
      repliesLink: messages.t('consoleCases.case.repliesLink', { count: replies.total }),
      outcomeDone: OUTCOME_STATUSES.includes(record.status),
      outcomeOptions: OUTCOME_STATUSES.map((outcome, index) => ({ value: outcome, id: `outcome-${outcome}`, label: messages.t(`consoleCases.case.outcomeOption.${outcome}`), checked: index === 0 })),
      csrf,
    };
    pageHeaders(response, status);
    const title = record.name;
    return this.views.render('console-case', model, consoleLayout(status === HttpStatus.OK ? title : messages.t('consoleCases.form.refusedTitle', { title }), '/console/cases', staff, csrf));
  }
}

function emptyEvent(): Record<string, string> {
  return { occurredOn: '', kind: '', description: '', sourceUrl: '' };
}

function eventFormFields(event: Record<string, string>, problems: FieldProblems, messages: Catalogue) {
  const spec = (name: (typeof EVENT_FIELDS)[number], extra: Partial<Parameters<typeof formField>[0]>) =>
    formField(
      {
        name,
        id: `event-${name}`,
        label: messages.t(`consoleCases.event.${name}.label`),
        hint: messages.has(`consoleCases.event.${name}.hint`) ? messages.t(`consoleCases.event.${name}.hint`) : '',
        value: event[name] ?? '',
        problems: (problems[name] ?? []).map((raw) => problemText(messages, name, raw)),
        ...extra,
      },
      messages,
    );
  return [
    spec('occurredOn', { kind: 'date', required: true, maxlength: 10 }),
    spec('kind', { required: true, maxlength: 50 }),
    spec('description', { kind: 'textarea', required: true, maxlength: 5000 }),
    spec('sourceUrl', { kind: 'url', maxlength: 2000 }),
  ];
}
