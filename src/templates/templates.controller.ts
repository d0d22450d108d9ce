import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../common/auth/roles.decorator';
import { PageOf, PageQuery } from '../common/pagination';
import { UuidParam } from '../common/uuid.pipe';
import { CreateTemplateDto, PreviewTemplateDto, RenderedLetterView, TemplateView, TemplateWithVersionsView, UpdateTemplateDto } from './dto/template.dto';
import { TemplatesService } from './templates.service';

@ApiTags('templates')
@Controller('api/templates')
@Allow('coordinator')
export class TemplatesController {
  constructor(@Inject(TemplatesService) private readonly templates: TemplatesService) {}

  @Post()
  @ApiOperation({ summary: 'Save a letter template (refused, naming the line, unless strictly valid)' })
  @ApiCreatedResponse({ type: TemplateView })
  create(@Body() body: CreateTemplateDto) {
    return this.templates.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List templates' })
  @ApiOkResponse({ type: PageOf(TemplateView) })
  list(@Query() query: PageQuery) {
    return this.templates.list(query.page, query.limit);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One template, with its versions (newest first)' })
  @ApiOkResponse({ type: TemplateWithVersionsView })
  get(@Param('id', UuidParam) id: string): Promise<TemplateWithVersionsView> {
    return this.templates.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Edit a template (validated as when saved); a new subject or body is a new version, and letters keep the version they were rendered from' })
  @ApiOkResponse({ type: TemplateWithVersionsView })
  update(@Param('id', UuidParam) id: string, @Body() body: UpdateTemplateDto): Promise<TemplateWithVersionsView> {
    return this.templates.update(id, body);
  }

  @Post(':id/preview')
  @HttpCode(200)
  @ApiOperation({ summary: 'Render a template for a case, an official and optionally a supporter' })
  @ApiOkResponse({ type: RenderedLetterView })
  preview(@Param('id', UuidParam) id: string, @Body() body: PreviewTemplateDto) {
    return this.templates.preview(id, body);
  }
}
