import { Body, Controller, Get, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { Allow } from '../auth/roles.decorator';
import { PageQuery } from '../common/pagination';
import { UuidParam } from '../common/uuid.pipe';
import { CasesService } from './cases.service';
import { CreateCaseDto, CreateCaseEventDto, UpdateCaseDto } from './dto/case.dto';

@Controller('api/cases')
export class CasesController {
  constructor(@Inject(CasesService) private readonly cases: CasesService) {}

  @Allow('coordinator')
  @Post()
  create(@Body() body: CreateCaseDto) {
    return this.cases.create(body);
  }

  @Allow('coordinator')
  @Patch(':id')
  update(@Param('id', UuidParam) id: string, @Body() body: UpdateCaseDto) {
    return this.cases.update(id, body);
  }

  @Allow('member')
  @Get()
  list(@Query() query: PageQuery) {
    return this.cases.list(query.page, query.limit);
  }

  @Allow('member')
  @Get(':id')
  get(@Param('id', UuidParam) id: string) {
    return this.cases.get(id);
  }

  @Allow('coordinator')
  @Post(':id/events')
  addEvent(@Param('id', UuidParam) id: string, @Body() body: CreateCaseEventDto) {
    return this.cases.addEvent(id, body);
  }
}
