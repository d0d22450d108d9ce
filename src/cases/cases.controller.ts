import { Body, Controller, Get, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/roles.decorator';
import { PageOf, PageQuery } from '../common/pagination';
import { UuidParam } from '../common/uuid.pipe';
import { CasesService } from './cases.service';
import { CaseEventView, CaseView, CaseWithEventsView, CreateCaseDto, CreateCaseEventDto, UpdateCaseDto } from './dto/case.dto';

@ApiTags('cases')
@Controller('api/cases')
export class CasesController {
  constructor(@Inject(CasesService) private readonly cases: CasesService) {}

  @Allow('coordinator')
  @Post()
  @ApiOperation({ summary: 'Record a case' })
  @ApiCreatedResponse({ type: CaseWithEventsView })
  create(@Body() body: CreateCaseDto) {
    return this.cases.create(body);
  }

  @Allow('coordinator')
  @Patch(':id')
  @ApiOperation({ summary: 'Change a case (released or deceased closes its appeals and thanks its writers)' })
  @ApiOkResponse({ type: CaseWithEventsView })
  update(@Param('id', UuidParam) id: string, @Body() body: UpdateCaseDto) {
    return this.cases.update(id, body);
  }

  @Allow('member')
  @Get()
  @ApiOperation({ summary: 'List cases, newest first' })
  @ApiOkResponse({ type: PageOf(CaseView) })
  list(@Query() query: PageQuery) {
    return this.cases.list(query.page, query.limit);
  }

  @Allow('member')
  @Get(':id')
  @ApiOperation({ summary: 'One case with its timeline' })
  @ApiOkResponse({ type: CaseWithEventsView })
  get(@Param('id', UuidParam) id: string) {
    return this.cases.get(id);
  }

  @Allow('coordinator')
  @Post(':id/events')
  @ApiOperation({ summary: "Add an event to a case's timeline" })
  @ApiCreatedResponse({ type: CaseEventView })
  addEvent(@Param('id', UuidParam) id: string, @Body() body: CreateCaseEventDto) {
    return this.cases.addEvent(id, body);
  }
}
