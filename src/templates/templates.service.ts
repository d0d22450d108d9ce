import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { Case } from '../cases/case.entity';
import { NotFoundError } from '../common/errors';
import { Page } from '../common/pagination';
import { Official } from '../officials/official.entity';
import { Supporter } from '../supporters/supporter.entity';
import {
  CreateTemplateDto,
  PreviewTemplateDto,
  TemplateView,
  TemplateWithVersionsView,
  toTemplateVersionView,
  toTemplateView,
  UpdateTemplateDto,
} from './dto/template.dto';
import { LetterRendererService } from './letter-renderer.service';
import { RenderedLetter, TemplateKind, TemplateRefusedError, validateTemplate } from './template-engine';
import { TemplateVersion } from './template-version.entity';
import { Template } from './template.entity';
import { TemplateUnprintableError, unprintableLines } from './template-fonts';
import { TemplatesRepository } from './templates.repository';

@Injectable()
export class TemplatesService {
  constructor(
    @InjectRepository(Template) private readonly templates: Repository<Template>,
    @InjectRepository(TemplateVersion) private readonly versions: Repository<TemplateVersion>,
    @InjectRepository(Case) private readonly cases: Repository<Case>,
    @InjectRepository(Official) private readonly officials: Repository<Official>,
    @InjectRepository(Supporter) private readonly supporters: Repository<Supporter>,
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(LetterRendererService) private readonly renderer: LetterRendererService,
    @Inject(TemplatesRepository) private readonly rows: TemplatesRepository,
  ) {}

  /**
   * Templates are code written by coordinators: refused when saved unless strictly valid.
   * A new template is used by no appeal yet: the print fonts are checked when a post appeal
   * using it is launched (or it is edited while one uses it).
   */
  async create(input: CreateTemplateDto): Promise<TemplateView> {
    assertValid(input.kind, input.subject, input.body);
    return toTemplateView(await this.templates.save(this.templates.create(input)));
  }

  async list(page: number, limit: number): Promise<Page<TemplateView>> {
    const [rows, total] = await this.templates.findAndCount({ order: { createdAt: 'ASC', id: 'ASC' }, skip: (page - 1) * limit, take: limit });
    return { items: rows.map(toTemplateView), total, page, limit };
  }

  async get(id: string): Promise<TemplateWithVersionsView> {
    const [template, versions] = await Promise.all([this.templates.findOne({ where: { id } }), this.versions.find({ where: { templateId: id }, order: { version: 'DESC' } })]);
    if (!template) throw new NotFoundError('Template');
    return { ...toTemplateView(template), versions: versions.map(toTemplateVersionView) };
  }

  /**
   * Edits a template, validated as when it was saved. A new subject or body is a new
   * version (kept by the `template_version_kept` trigger): letters rendered from an earlier
   * one keep naming it, and every process's template cache, keyed by id and version, compiles
   * the new text without being told. A version is never edited in place: which letters used
   * it would take a scan of the letters table to know.
   */
  async update(id: string, input: UpdateTemplateDto): Promise<TemplateWithVersionsView> {
    await this.db.transaction(async (manager) => {
      const template = await manager.findOne(Template, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!template) throw new NotFoundError('Template');
      const subject = input.subject ?? template.subject;
      const body = input.body ?? template.body;
      assertValid(template.kind, subject, body);
      const newText = subject !== template.subject || body !== template.body;
      if (newText) await this.assertPrintable(manager, template, subject, body);
      if (!newText && (input.name === undefined || input.name === template.name)) return;
      await manager.update(Template, { id }, { name: input.name ?? template.name, subject, body, ...(newText ? { version: template.version + 1 } : {}) });
    });
    return this.get(id);
  }

  /**
   * New text of a template that a post (or email-then-post) appeal still to run would print:
   * refused, naming the characters and the appeals, if the print fonts cannot set it.
   */
  private async assertPrintable(manager: EntityManager, template: Template, subject: string, body: string): Promise<void> {
    const lines = unprintableLines(subject, body);
    if (lines.length === 0) return;
    const appeals = await this.rows.postAppealsUsing(manager, template.id);
    if (appeals.length === 0) return;
    throw new TemplateUnprintableError('template_invalid', [{ templateId: template.id, templateName: template.name, lines }], appeals.map((appeal) => appeal.title));
  }

  /** The letter as the worker would render it (the one rendering path), for a case, an official and optionally a supporter. */
  async preview(id: string, input: PreviewTemplateDto): Promise<RenderedLetter> {
    const template = await this.templates.findOne({ where: { id } });
    if (!template) throw new NotFoundError('Template');
    const [record, official, supporter] = await Promise.all([
      this.cases.findOne({ where: { id: input.caseId } }),
      this.officials.findOne({ where: { id: input.officialId } }),
      input.supporterId ? this.supporters.findOne({ where: { id: input.supporterId } }) : Promise.resolve(null),
    ]);
    if (!record) throw new NotFoundError('Case');
    if (!official) throw new NotFoundError('Official');
    if (input.supporterId && !supporter) throw new NotFoundError('Supporter');
    const { subject, body } = this.renderer.render(template, {
      case: record,
      official,
      supporter,
      note: null,
      appealTitle: '[appeal title]',
      date: new Date(),
      ...(template.kind === 'thank-you' ? { lettersSent: 1 } : {}),
      ...(template.kind === 'invitation' ? { signUrl: '[sign link]' } : {}),
    });
    return { subject, body };
  }
}

function assertValid(kind: TemplateKind, subject: string, body: string): void {
  const problems = validateTemplate(kind, subject, body);
  if (problems.length > 0) throw new TemplateRefusedError(problems);
}
