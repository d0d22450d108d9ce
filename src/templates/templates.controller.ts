import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { Allow } from '../auth/roles.decorator';
import { PageQuery } from '../common/pagination';
import { UuidParam } from '../common/uuid.pipe';
import { CreateTemplateDto, PreviewTemplateDto } from './dto/template.dto';
import { TemplatesService } from './templates.service';

@Controller('api/templates')
@Allow('coordinator')
export class TemplatesController {
  constructor(@Inject(TemplatesService) private readonly templates: TemplatesService) {}

  @Post()
  create(@Body() body: CreateTemplateDto) {
    return this.templates.create(body);
  }

  @Get()
  list(@Query() query: PageQuery) {
    return this.templates.list(query.page, query.limit);
  }

  @Post(':id/preview')
  @HttpCode(200)
  preview(@Param('id', UuidParam) id: string, @Body() body: PreviewTemplateDto) {
    return this.templates.preview(id, body);
  }
}
