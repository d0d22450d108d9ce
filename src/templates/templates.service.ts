import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Case } from '../cases/case.entity';
import { DomainError, NotFoundError } from '../common/errors';
import { Page } from '../common/pagination';
import { Official } from '../officials/official.entity';
import { Supporter } from '../supporters/supporter.entity';
import { CreateTemplateDto, PreviewTemplateDto, TemplateView, toTemplateView } from './dto/template.dto';
import { letterContext } from './letter-context';
import { compileTemplate, RenderedLetter, validateTemplate } from './template-engine';
import { Template } from './template.entity';

@Injectable()
export class TemplatesService {
  constructor(
    @InjectRepository(Template) private readonly templates: Repository<Template>,
    @InjectRepository(Case) private readonly cases: Repository<Case>,
    @InjectRepository(Official) private readonly officials: Repository<Official>,
    @InjectRepository(Supporter) private readonly supporters: Repository<Supporter>,
  ) {}

  /** Templates are code written by coordinators: refused when saved unless strictly valid. */
  async create(input: CreateTemplateDto): Promise<TemplateView> {
    const problems = validateTemplate(input.kind, input.subject, input.body);
    if (problems.length > 0) {
      throw new DomainError('template_invalid', problems.map((problem) => `${problem.field} line ${problem.line}: ${problem.message}`));
    }
    return toTemplateView(await this.templates.save(this.templates.create(input)));
  }

  async list(page: number, limit: number): Promise<Page<TemplateView>> {
    const [rows, total] = await this.templates.findAndCount({ order: { createdAt: 'ASC', id: 'ASC' }, skip: (page - 1) * limit, take: limit });
    return { items: rows.map(toTemplateView), total, page, limit };
  }

  async get(id: string): Promise<TemplateView> {
    const template = await this.templates.findOne({ where: { id } });
    if (!template) throw new NotFoundError('Template');
    return toTemplateView(template);
  }

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
    return compileTemplate(template.kind, template.subject, template.body).render(
      letterContext({
        case: record,
        official,
        language: template.language,
        supporter,
        note: null,
        appealTitle: '[appeal title]',
        date: new Date(),
        ...(template.kind === 'thank-you' ? { lettersSent: 1 } : {}),
        ...(template.kind === 'invitation' ? { signUrl: '[sign link]' } : {}),
      }),
    );
  }
}
