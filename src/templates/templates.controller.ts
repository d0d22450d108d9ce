import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../common/auth/roles.decorator';
import { PageOf, PageQuery } from '../common/pagination';
import { UuidParam } from '../common/uuid.pipe';
import { CreateTemplateDto, PreviewTemplateDto, RenderedLetterView, TemplateView } from './dto/template.dto';
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
  @ApiOperation({ summary: 'One template' })
  @ApiOkResponse({ type: TemplateView })
  get(@Param('id', UuidParam) id: string): Promise<TemplateView> {
    return this.templates.get(id);
  }

  @Post(':id/preview')
  @HttpCode(200)
  @ApiOperation({ summary: 'Render a template for a case, an official and optionally a supporter' })
  @ApiOkResponse({ type: RenderedLetterView })
  preview(@Param('id', UuidParam) id: string, @Body() body: PreviewTemplateDto) {
    return this.templates.preview(id, body);
  }
}
