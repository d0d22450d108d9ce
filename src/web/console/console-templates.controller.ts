import { Body, Controller, Get, HttpStatus, Inject, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CsrfGuard, CsrfService } from '../../auth/csrf.service';
import { CasesService } from '../../cases/cases.service';
import { StaffPage } from '../../common/auth/staff-page.decorator';
import { isDomainError } from '../../common/errors';
import { catalogueOf, Catalogue } from '../../common/i18n/messages';
import { UuidParam } from '../../common/uuid.pipe';
import { OfficialsService } from '../../officials/officials.service';
import { SupportersService } from '../../supporters/supporters.service';
import { CreateTemplateDto, PreviewTemplateDto, TemplateWithVersionsView, UpdateTemplateDto } from '../../templates/dto/template.dto';
import { allowedVariables, TEMPLATE_KINDS, TemplateKind, TemplateProblem, TemplateRefusedError } from '../../templates/template-engine';
import { describedCharactersOf, TemplateUnprintableError } from '../../templates/template-fonts';
import { TemplatesService } from '../../templates/templates.service';
import { pageHeaders } from '../page-response';
import { ViewsService } from '../views.service';
import { staffOf } from './console.controller';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { apiBodyOf, FieldProblems, problemsFor, problemSummary, refusalOf, validateForm } from './console-form';
import { consoleLayout } from './console-layout';
import { ConsoleRequest, seeOther, whole } from './console-page';

type StaffRequest = ConsoleRequest;

const TEMPLATE_FIELDS = ['name', 'kind', 'language', 'subject', 'body'] as const;
const PREVIEW_FIELDS = ['caseId', 'officialId', 'supporterId'] as const;
/** How many cases, officials and members the preview's lists offer (the newest cases, the first officials and members). */
const CHOICES = 100;

interface TemplateValues {
  name: string;
  kind: string;
  language: string;
  subject: string;
  body: string;
}

/**
 * The console's templates: the list, a new template, and the editor (its variables, each
 * refusal at its line, its versions, a preview against a case, an official and a member).
 * Each form calls TemplatesService as POST/PATCH /api/templates and
 * POST /api/templates/:id/preview do, with their DTOs' rules and the same role.
 */
@ApiExcludeController()
@Controller('console/templates')
@StaffPage()
@UseGuards(CsrfGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConsoleTemplatesController {
  constructor(
    @Inject(TemplatesService) private readonly templates: TemplatesService,
    @Inject(CasesService) private readonly cases: CasesService,
    @Inject(OfficialsService) private readonly officials: OfficialsService,
    @Inject(SupportersService) private readonly supporters: SupportersService,
    @Inject(CsrfService) private readonly csrf: CsrfService,
    @Inject(ViewsService) private readonly views: ViewsService,
  ) {}

  @Get()
  async list(@Query('page') pageParam: unknown, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const startedAt = performance.now();
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    const page = whole(pageParam, 1);
    const found = await this.templates.list(page, 100);
    const model = {
      templates: found.items.map((template) => ({ ...template, kindName: messages.t(`consoleAppeals.kind.${template.kind}`) })),
      total: found.total,
      previous: page > 1 ? `/console/templates?page=${page - 1}` : null,
      next: page * found.limit < found.total ? `/console/templates?page=${page + 1}` : null,
    };
    pageHeaders(response, HttpStatus.OK, startedAt);
    return this.views.render('console-templates', model, consoleLayout(messages.t('consoleAppeals.templates.title'), '/console/templates', staff, this.csrf.tokenFor(request, response)));
  }

  @Get('new')
  newForm(@Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): string {
    const staff = staffOf(request);
    return this.newPage(request, response, HttpStatus.OK, { name: '', kind: 'appeal', language: staff.language, subject: '', body: '' }, {});
  }

  @Post()
  async create(@Body() body: unknown, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const values = apiBodyOf(body);
    const kept = valuesOf(values);
    const checked = await validateForm(CreateTemplateDto, values, TEMPLATE_FIELDS);
    if (checked.problems) return this.newPage(request, response, HttpStatus.BAD_REQUEST, kept, checked.problems);
    try {
      const created = await this.templates.create(checked.value);
      return seeOther(response, `/console/templates/${created.id}`);
    } catch (error) {
      const refused = templateRefusalOf(error, catalogueOf(staffOf(request).language));
      if (!refused) throw error;
      return this.newPage(request, response, HttpStatus.BAD_REQUEST, kept, refused.problems, refused.lines);
    }
  }

  @Get(':id')
  async editor(@Param('id', UuidParam) id: string, @Query('saved') saved: unknown, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const template = await this.templates.get(id);
    return this.editorPage(request, response, HttpStatus.OK, template, { values: template, saved: saved === '1' });
  }

  @Post(':id')
  async update(@Param('id', UuidParam) id: string, @Body() body: unknown, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const template = await this.templates.get(id);
    const values = apiBodyOf(body);
    const kept = { ...valuesOf(values), kind: template.kind, language: template.language };
    const checked = await validateForm(UpdateTemplateDto, values, TEMPLATE_FIELDS);
    if (checked.problems) return this.editorPage(request, response, HttpStatus.BAD_REQUEST, template, { values: kept, problems: checked.problems });
    try {
      await this.templates.update(id, checked.value);
      return seeOther(response, `/console/templates/${id}?saved=1`);
    } catch (error) {
      const refused = templateRefusalOf(error, catalogueOf(staffOf(request).language));
      if (!refused) throw error;
      return this.editorPage(request, response, HttpStatus.BAD_REQUEST, template, { values: kept, problems: refused.problems, lines: refused.lines });
    }
  }

  /** The saved template rendered through TemplatesService.preview, as POST /api/templates/:id/preview renders it. */
  @Post(':id/preview')
  async preview(@Param('id', UuidParam) id: string, @Body() body: unknown, @Req() request: StaffRequest, @Res({ passthrough: true }) response: Response): Promise<string> {
    const template = await this.templates.get(id);
    const values = apiBodyOf(body, { optional: ['supporterId'] });
    const chosen = { caseId: String(values.caseId ?? ''), officialId: String(values.officialId ?? ''), supporterId: String(values.supporterId ?? '') };
    const checked = await validateForm(PreviewTemplateDto, values, PREVIEW_FIELDS);
    if (checked.problems) return this.editorPage(request, response, HttpStatus.BAD_REQUEST, template, { values: template, previewProblems: checked.problems, chosen });
    try {
      const letter = await this.templates.preview(id, checked.value);
      return this.editorPage(request, response, HttpStatus.OK, template, { values: template, letter, chosen });
    } catch (error) {
      // A case, official or member that is gone, or a letter the case's translations cannot fill: said beside the choice.
      const field = isDomainError(error, 'not_found') ? notFoundField(error.message) : isDomainError(error, 'case_untranslated') ? 'caseId' : null;
      if (field === null || !isDomainError(error)) throw error;
      return this.editorPage(request, response, HttpStatus.BAD_REQUEST, template, { values: template, previewProblems: { [field]: [error.message] }, chosen });
    }
  }

  private newPage(request: StaffRequest, response: Response, status: number, values: TemplateValues, problems: FieldProblems, lines: LineProblem[] = []): string {
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    pageHeaders(response, status);
    const model = {
      csrf: this.csrf.tokenFor(request, response),
      values,
      kinds: TEMPLATE_KINDS.map((kind) => ({ value: kind, label: messages.t(`consoleAppeals.kind.${kind}`), selected: kind === values.kind })),
      variables: variablesOf(isKind(values.kind) ? values.kind : 'appeal'),
      ...fieldProblems(problems, lines, values, messages),
    };
    const title = messages.t(status === HttpStatus.OK ? 'consoleAppeals.templateNew.title' : 'consoleAppeals.refusedTitle', { title: messages.t('consoleAppeals.templateNew.title') });
    return this.views.render('console-template-new', model, consoleLayout(title, '/console/templates', staff, this.csrf.tokenFor(request, response)));
  }

  private async editorPage(
    request: StaffRequest,
    response: Response,
    status: number,
    template: TemplateWithVersionsView,
    state: { values: TemplateValues; problems?: FieldProblems; lines?: LineProblem[]; saved?: boolean; letter?: { subject: string; body: string }; previewProblems?: FieldProblems; chosen?: Record<'caseId' | 'officialId' | 'supporterId', string> },
  ): Promise<string> {
    const startedAt = performance.now();
    const staff = staffOf(request);
    const messages = catalogueOf(staff.language);
    // The members list's first page (keyset, as /console/members): no count of every supporter, which the choice does not show.
    const [cases, officials, supporters] = await Promise.all([this.cases.list(1, CHOICES), this.officials.list(1, CHOICES), this.supporters.search({ limit: CHOICES })]);
    const chosen = state.chosen ?? { caseId: cases.items[0]?.id ?? '', officialId: officials.items[0]?.id ?? '', supporterId: '' };
    const previewProblems = state.previewProblems ?? {};
    const model = {
      csrf: this.csrf.tokenFor(request, response),
      template: { ...template, kindName: messages.t(`consoleAppeals.kind.${template.kind}`) },
      values: state.values,
      saved: state.saved === true,
      variables: variablesOf(template.kind),
      ...fieldProblems(state.problems ?? {}, state.lines ?? [], state.values, messages),
      versions: template.versions.map((version) => ({ ...version, current: version.version === template.version, createdLabel: version.createdAt.toISOString().slice(0, 16).replace('T', ' ') })),
      preview: {
        cases: cases.items.map((record) => ({ id: record.id, label: record.name, selected: record.id === chosen.caseId })),
        officials: officials.items.map((official) => ({ id: official.id, label: `${official.title} ${official.name} (${official.language})`, selected: official.id === chosen.officialId })),
        supporters: supporters.items.map((supporter) => ({ id: supporter.id, label: supporter.name, selected: supporter.id === chosen.supporterId })),
        canPreview: cases.items.length > 0 && officials.items.length > 0,
        caseProblems: problemsFor(previewProblems, 'caseId'),
        officialProblems: problemsFor(previewProblems, 'officialId'),
        supporterProblems: problemsFor(previewProblems, 'supporterId'),
        formProblems: problemsFor(previewProblems, ''),
        letter: state.letter ?? null,
      },
    };
    pageHeaders(response, status, startedAt);
    const title = status === HttpStatus.BAD_REQUEST ? messages.t('consoleAppeals.refusedTitle', { title: template.name }) : template.name;
    return this.views.render('console-template', model, consoleLayout(title, '/console/templates', staff, this.csrf.tokenFor(request, response)));
  }
}

/** A refusal at a line of the subject or the body. */
interface LineProblem extends TemplateProblem {
  text: string;
}

/** The engine's refusal at its lines (or the print fonts'), or the service's of a field; null for what is not the form's to show. */
function templateRefusalOf(error: unknown, messages: Catalogue): { problems: FieldProblems; lines: LineProblem[] } | null {
  if (error instanceof TemplateUnprintableError) {
    const appeals = error.appealTitles.map((title) => messages.t('consoleAppeals.template.quoted', { title })).join(', ');
    const lines = error.templates.flatMap((template) => template.lines);
    return {
      problems: {},
      lines: lines.map((line) => ({ field: line.field, line: line.line, message: messages.t('consoleAppeals.template.unprintable', { characters: describedCharactersOf({ lines: [line] }), appeals }), text: '' })),
    };
  }
  if (error instanceof TemplateRefusedError) return { problems: {}, lines: error.problems.map((problem) => ({ ...problem, text: '' })) };
  const problems = refusalOf(error, TEMPLATE_FIELDS);
  return problems ? { problems, lines: [] } : null;
}

function fieldProblems(problems: FieldProblems, lines: LineProblem[], values: TemplateValues, messages: Catalogue) {
  const at = (field: 'subject' | 'body') =>
    lines
      .filter((problem) => problem.field === field)
      .map((problem) => ({ line: problem.line, text: (values[field].split('\n')[problem.line - 1] ?? '').slice(0, 300), message: problem.message, label: messages.t('consoleAppeals.template.atLine', { line: problem.line }) }));
  const atLines = (field: 'subject' | 'body') =>
    lines.filter((problem) => problem.field === field).map((problem) => messages.t(`consoleAppeals.template.lineProblem.${field}`, { line: problem.line, message: problem.message }));
  return {
    problemList: problemSummary(
      [
        ...TEMPLATE_FIELDS.map((field) => ({ id: `template-${field}`, problems: problemsFor(problems, field) })),
        { id: 'template-subject', problems: atLines('subject') },
        { id: 'template-body', problems: atLines('body') },
      ],
      problemsFor(problems, ''),
    ),
    problems: Object.fromEntries(TEMPLATE_FIELDS.map((field) => [field, problemsFor(problems, field)])),
    lineProblems: { subject: at('subject'), body: at('body') },
  };
}

function valuesOf(values: Record<string, unknown>): TemplateValues {
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : '');
  return { name: text('name'), kind: text('kind'), language: text('language'), subject: text('subject'), body: text('body') };
}

function isKind(kind: string): kind is TemplateKind {
  return (TEMPLATE_KINDS as readonly string[]).includes(kind);
}

function variablesOf(kind: TemplateKind): { name: string; use: string }[] {
  return allowedVariables(kind).map((name) => ({ name, use: `{{${name}}}` }));
}

/** Which choice a NotFoundError of the preview names ("Case not found"...). */
function notFoundField(message: string): string {
  if (message.startsWith('Case')) return 'caseId';
  if (message.startsWith('Official')) return 'officialId';
  if (message.startsWith('Supporter')) return 'supporterId';
  return '';
}
