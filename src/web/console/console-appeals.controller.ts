import { Body, Controller, Get, HttpStatus, Inject, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { APPEAL_CHANNELS, APPEAL_MODERATIONS, APPEAL_STATUSES, AppealStatus } from '../../appeals/appeal.entity';
import { CaseUntranslatedError } from '../../appeals/appeal-languages';
import { AppealsService, transitionAllowed } from '../../appeals/appeals.service';
import { AppealView, CreateAppealDto } from '../../appeals/dto/appeal.dto';
import { CsrfGuard, CsrfService } from '../../auth/csrf.service';
import { CasesService } from '../../cases/cases.service';
import { StaffPage } from '../../common/auth/staff-page.decorator';
import { statusOf } from '../../common/error-status';
import { DomainError, isDomainError } from '../../common/errors';
import { Catalogue, catalogueOf } from '../../common/i18n/messages';
import { UuidParam } from '../../common/uuid.pipe';
import { LETTER_STATUSES } from '../../letters/letter.entity';
import { OfficialsService } from '../../officials/officials.service';
import { TemplatesService } from '../../templates/templates.service';
import { pageHeaders } from '../page-response';
import { dayLabel } from '../view-format';
import { ViewsService } from '../views.service';
import { languageName } from './case-form';
import { staffOf } from './console.controller';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { apiBodyOf, FieldProblems, problemsFor, problemSummary, refusalOf, validateForm } from './console-form';
import { consoleLayout } from './console-layout';
import { ConsoleRequest, seeOther, whole } from './console-page';
import { describedCharactersOf, TemplateUnprintableError } from '../../templates/template-fonts';
import { printStartView, RUNS_SHOWN } from './print-start';

type StaffRequest = ConsoleRequest;

/** The builder's fields, each with its problems beside it (`appeal-<field>`). */
const APPEAL_FIELDS = ['caseId', 'title', 'templateIds', 'officialIds', 'channel', 'moderation', 'deadline'] as const;
/** How many cases, templates and officials the builder offers. */
const CHOICES = 200;
/** Template slots of the builder: the order of the slots is the order of `templateIds`. */
const MAX_SLOTS = 6;
const ACTIONS = ['pause', 'resume', 'cancel'] as const;

/**
 * The console's appeals: the list by status, the builder, one appeal with its letter to
 * each official, a launch after a page that says how many letters it creates, pause,
 * resume and cancel. Each form calls AppealsService as POST /api/appeals and its
 * /launch, /pause, /resume, /cancel do, with the same DTO and role.
 */
@ApiExcludeController()
@Controller('console/appeals')
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConsoleAppealsController {
  constructor(
    @Inject(AppealsService) private readonly appeals: AppealsService,
    @Inject(CasesService) private readonly cases: CasesService,
    @Inject(TemplatesService) private readonly templates: TemplatesService,
    @Inject(OfficialsService) private readonly officials: OfficialsService,
    @Inject(CsrfService) private readonly csrf: CsrfService,
    @Inject(ViewsService) private readonly views: ViewsService,
  ) {}

  @Get()
  async list(@Query('status') statusParam: unknown, @Query('page') pageParam: unknown, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const startedAt = performance.now();
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const status = (APPEAL_STATUSES as readonly string[]).includes(String(statusParam)) ? (statusParam as AppealStatus) : undefined;
    const page = whole(pageParam, 1);
    const found = await this.appeals.list({ page, limit: 50, ...(status ? { status } : {}) });
    const query = (number: number) => `/console/appeals?${status ? `status=${status}&` : ''}page=${number}`;
    const model = {
      statuses: [{ value: '', label: messages.t('consoleAppeals.appeals.allStatuses'), selected: !status }, ...APPEAL_STATUSES.map((value) => ({ value, label: messages.t(`consoleAppeals.appealStatus.${value}`), selected: value === status }))],
      columns: COUNT_COLUMNS.map((column) => messages.t(`consoleAppeals.letterStatus.${column}`)),
      appeals: found.items.map((appeal) => ({
        id: appeal.id,
        title: appeal.title,
        statusName: messages.t(`consoleAppeals.appealStatus.${appeal.status}`),
        status: appeal.status,
        deadline: appeal.deadline ? dayLabel(appeal.deadline, staff.language) : '',
        counts: COUNT_COLUMNS.map((column) => ({ status: column, count: appeal.letters[column] })),
      })),
      caption: messages.t(status ? 'consoleAppeals.appeals.captionOf' : 'consoleAppeals.appeals.caption', { count: found.total, status: status ? messages.t(`consoleAppeals.appealStatus.${status}`) : '' }),
      total: found.total,
      previous: page > 1 ? query(page - 1) : null,
      next: page * found.limit < found.total ? query(page + 1) : null,
    };
    pageHeaders(response, HttpStatus.OK, startedAt);
    return this.views.render('console-appeals', model, consoleLayout(messages.t('consoleAppeals.appeals.title'), '/console/appeals', staff, this.csrf.tokenFor(request, response)));
  }

  @Get('new')
  builder(@Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    return this.builderPage(request, response, HttpStatus.OK, { caseId: '', title: '', templateIds: [], officialIds: [], channel: 'email', moderation: 'none', deadline: '' }, {});
  }

  @Post()
  async create(@Body() body: unknown, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const values = apiBodyOf(body, { arrays: ['templateIds', 'officialIds'], optional: ['deadline', 'channel', 'moderation'] });
    const kept = builderValues(values);
    const checked = await validateForm(CreateAppealDto, values, APPEAL_FIELDS);
    if (checked.problems) return this.builderPage(request, response, HttpStatus.BAD_REQUEST, kept, checked.problems);
    try {
      const created = await this.appeals.create(checked.value);
      return seeOther(response, `/console/appeals/${created.id}`);
    } catch (error) {
      const refused = refusalOf(error, APPEAL_FIELDS);
      if (!refused) throw error;
      return this.builderPage(request, response, HttpStatus.BAD_REQUEST, kept, refused);
    }
  }

  @Get(':id')
  async appeal(@Param('id', UuidParam) id: string, @Query('printProblem') printProblem: unknown, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const startedAt = performance.now();
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const { appeal, case: record, templates, letters, heldNotes, print: figures } = await this.appeals.record(id, RUNS_SHOWN);
    const print = printStartView(figures, { appealId: id }, printProblem, messages, appeal.channel !== 'email');
    const model = {
      csrf: this.csrf.tokenFor(request, response),
      ...this.summary(appeal, staff.language, messages),
      caseName: record.name,
      caseId: record.id,
      templates: templates.map((template, index) => ({ id: template.id, name: template.name, language: template.language, fallback: index === 0 })),
      letters: letters.map((letter, index) => ({ ...letter, open: index === 0, headingId: `letter-${index + 1}` })),
      counts: countsOf(appeal, messages),
      moderationName: messages.t(`consoleAppeals.appeal.moderations.${appeal.moderation}`),
      heldNotes: { count: heldNotes, href: `/console/appeals/${id}/held`, label: heldNotes > 0 ? messages.t('consoleAppeals.appeal.heldNotes', { count: heldNotes }) : messages.t('consoleAppeals.appeal.heldNone') },
      print,
      canLaunch: transitionAllowed('launch', appeal.status),
      actions: ACTIONS.filter((action) => transitionAllowed(action, appeal.status)).map((action) => ({
        action,
        label: messages.t(`consoleAppeals.appeal.${action}`),
        hint: messages.t(`consoleAppeals.appeal.${action}Hint`),
        primary: action !== 'cancel',
      })),
    };
    const live = model.counts.live > 0;
    pageHeaders(response, HttpStatus.OK, startedAt, live);
    const layout = consoleLayout(appeal.title, '/console/appeals', staff, this.csrf.tokenFor(request, response));
    return this.views.render('console-appeal', model, live ? { ...layout, scripts: [this.views.htmxScriptPath] } : layout);
  }

  /** The appeal's counts alone, which htmx swaps into its open page every few seconds (and stops once it is not open). */
  @Get(':id/counts')
  async counts(@Param('id', UuidParam) id: string, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const startedAt = performance.now();
    const staff = staffOf(request);
    const appeal = await this.appeals.liveCounts(id);
    pageHeaders(response, HttpStatus.OK, startedAt);
    return this.views.fragment('console-appeal-counts', { counts: countsOf(appeal, catalogueOf(staff.language)) }, staff.language);
  }

  /** What a launch will do, counted by the fan-out's rule, before the button that does it. */
  @Get(':id/launch')
  launchConfirmation(@Param('id', UuidParam) id: string, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    return this.launchPage(request, response, HttpStatus.OK, id, null);
  }

  /** A launch the rules refuse (a translation the letters need, an appeal no longer a draft) comes back to this page, saying why. */
  @Post(':id/launch')
  async launch(@Param('id', UuidParam) id: string, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    try {
      await this.appeals.transition(id, 'launch');
    } catch (error) {
      if (!isDomainError(error) || error.code === 'not_found') throw error;
      return this.launchPage(request, response, statusOf(error.code), id, error);
    }
    return seeOther(response, `/console/appeals/${id}`);
  }

  @Post(':id/pause')
  async pause(@Param('id', UuidParam) id: string, @Res({ passthrough: true }) response: Response): Promise<string> {
    await this.appeals.transition(id, 'pause');
    return seeOther(response, `/console/appeals/${id}`);
  }

  @Post(':id/resume')
  async resume(@Param('id', UuidParam) id: string, @Res({ passthrough: true }) response: Response): Promise<string> {
    await this.appeals.transition(id, 'resume');
    return seeOther(response, `/console/appeals/${id}`);
  }

  @Post(':id/cancel')
  async cancel(@Param('id', UuidParam) id: string, @Res({ passthrough: true }) response: Response): Promise<string> {
    await this.appeals.transition(id, 'cancel');
    return seeOther(response, `/console/appeals/${id}`);
  }

  private async launchPage(request: StaffRequest, response: Response, status: number, id: string, refusal: DomainError | null): Promise<string> {
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const appeal = await this.appeals.get(id);
    const count = await this.appeals.lettersAtLaunch(id);
    const draft = appeal.status === 'draft';
    const model = {
      csrf: this.csrf.tokenFor(request, response),
      ...this.summary(appeal, staff.language, messages),
      draft,
      count,
      lettersLine: messages.t('consoleAppeals.launch.letters', { count: count.letters }),
      reachLine: messages.t('consoleAppeals.launch.reach', { members: count.members, officials: count.officials }),
      // No longer a draft: the page says so already.
      refusal: refusal && draft ? launchRefusalOf(refusal, appeal.caseId, messages) : null,
    };
    pageHeaders(response, status);
    const title = messages.t('consoleAppeals.launch.title', { title: appeal.title });
    return this.views.render('console-appeal-launch', model, consoleLayout(refusal ? messages.t('consoleAppeals.refusedTitle', { title }) : title, '/console/appeals', staff, this.csrf.tokenFor(request, response)));
  }

  private summary(appeal: AppealView, language: string, messages: Catalogue) {
    return {
      appeal: { id: appeal.id, title: appeal.title, status: appeal.status },
      statusName: messages.t(`consoleAppeals.appealStatus.${appeal.status}`),
      deadline: appeal.deadline ? { iso: appeal.deadline, label: dayLabel(appeal.deadline, language) } : null,
    };
  }

  private async builderPage(request: StaffRequest, response: Response, status: number, values: BuilderValues, problems: FieldProblems): Promise<string> {
    const startedAt = performance.now();
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const [cases, templates, officials] = await Promise.all([this.cases.list(1, CHOICES), this.templates.list(1, CHOICES), this.officials.list(1, CHOICES)]);
    const appealTemplates = templates.items.filter((template) => template.kind === 'appeal');
    const slots = Math.max(1, Math.min(MAX_SLOTS, appealTemplates.length));
    const model = {
      csrf: this.csrf.tokenFor(request, response),
      values,
      problemList: problemSummary(
        APPEAL_FIELDS.map((field) => ({ id: `appeal-${field}`, problems: problemsFor(problems, field) })),
        problemsFor(problems, ''),
      ),
      problems: Object.fromEntries(APPEAL_FIELDS.map((field) => [field, problemsFor(problems, field)])),
      formProblems: problemsFor(problems, ''),
      cases: cases.items.map((record) => ({ id: record.id, label: record.name, selected: record.id === values.caseId })),
      slots: Array.from({ length: slots }, (_, index) => ({
        id: index === 0 ? 'appeal-templateIds' : `appeal-template-${index + 1}`,
        label: messages.t(index === 0 ? 'consoleAppeals.builder.firstTemplate' : 'consoleAppeals.builder.nextTemplate', { position: index + 1 }),
        options: appealTemplates.map((template) => ({ id: template.id, label: `${template.name} (${template.language})`, selected: values.templateIds[index] === template.id })),
      })),
      officials: officials.items.map((official) => ({
        id: official.id,
        inputId: `appeal-official-${official.id}`,
        label: `${official.title} ${official.name}`,
        detail: [
          official.organisation,
          official.language,
          official.email ? null : messages.t('consoleAppeals.builder.noEmail'),
          official.postalAddress ? null : messages.t('consoleAppeals.builder.noPostalAddress'),
        ].filter(Boolean).join(' · '),
        checked: values.officialIds.includes(official.id),
      })),
      channels: APPEAL_CHANNELS.map((channel) => ({
        value: channel,
        inputId: `appeal-channel-${channel}`,
        label: messages.t(`consoleAppeals.builder.channels.${channel}`),
        checked: channel === values.channel,
      })),
      moderations: APPEAL_MODERATIONS.map((moderation) => ({
        value: moderation,
        inputId: `appeal-moderation-${moderation}`,
        label: messages.t(`consoleAppeals.builder.moderations.${moderation}`),
        checked: moderation === values.moderation,
      })),
    };
    pageHeaders(response, status, startedAt);
    const title = messages.t('consoleAppeals.builder.title');
    return this.views.render('console-appeal-new', model, consoleLayout(status === HttpStatus.OK ? title : messages.t('consoleAppeals.refusedTitle', { title }), '/console/appeals', staff, this.csrf.tokenFor(request, response)));
  }
}

/** How often an open appeal's page refreshes its counts, in seconds. */
const LIVE_SECONDS = 5;

/** An appeal's letters by status for its page: live (refreshed every LIVE_SECONDS) while it is open. */
function countsOf(appeal: Pick<AppealView, 'id' | 'status' | 'letters'>, messages: Catalogue) {
  return {
    appealId: appeal.id,
    live: appeal.status === 'open' ? LIVE_SECONDS : 0,
    statuses: LETTER_STATUSES.map((status) => ({ status, label: messages.t(`consoleAppeals.letterStatus.${status}`), count: appeal.letters[status] })),
    total: appeal.letters.total,
  };
}

/** Why a launch was refused, in the page's words; a missing translation links to the case's form, where translations are added. */
function launchRefusalOf(refusal: DomainError, caseId: string, messages: Catalogue): { lines: string[]; caseHref: string | null } {
  if (refusal instanceof TemplateUnprintableError) {
    const lines = refusal.templates.map((template) => messages.t('consoleAppeals.launch.unprintable', { template: template.templateName, characters: describedCharactersOf(template) }));
    return { lines, caseHref: null };
  }
  if (!(refusal instanceof CaseUntranslatedError)) return { lines: [...refusal.messages], caseHref: null };
  const lines = refusal.templates.map((template) =>
    messages.t('consoleAppeals.launch.untranslated', {
      language: languageName(template.language, messages.language),
      fields: template.fields.map((field) => messages.t(`consoleCases.fields.${field}.label`)).join(', '),
      template: template.templateName,
    }),
  );
  return { lines, caseHref: `/console/cases/${caseId}#edit` };
}

/** The letter statuses the list shows a column for; every status is on the appeal's own page. */
const COUNT_COLUMNS = ['queued', 'sent', 'failed', 'total'] as const;

interface BuilderValues {
  caseId: string;
  title: string;
  templateIds: string[];
  officialIds: string[];
  channel: string;
  moderation: string;
  deadline: string;
}

function builderValues(values: Record<string, unknown>): BuilderValues {
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : '');
  const list = (name: string) => (Array.isArray(values[name]) ? (values[name] as unknown[]).filter((one): one is string => typeof one === 'string') : []);
  return { caseId: text('caseId'), title: text('title'), templateIds: list('templateIds'), officialIds: list('officialIds'), channel: text('channel') || 'email', moderation: text('moderation') || 'none', deadline: text('deadline') };
}

