import { Body, Controller, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, CurrentCaller, isCoordinator } from '../common/auth/current-supporter.decorator';
import { Allow } from '../common/auth/roles.decorator';
import { PageOf, PageQuery } from '../common/pagination';
import { UuidParam } from '../common/uuid.pipe';
import { CasesService } from './cases.service';
import { CaseAudience, CaseEventView, CaseView, CaseWithEventsView, CreateCaseDto, CreateCaseEventDto } from './dto/case.dto';

/** Cases and their timelines. PATCH /api/cases/:id is in outcomes/: a release or a death closes appeals and thanks writers. */
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

  @Allow('member')
  @Get()
  @ApiOperation({ summary: 'List cases, newest first', description: 'messageAddress and messageCountry only for coordinators and admins.' })
  @ApiOkResponse({ type: PageOf(CaseView) })
  list(@CurrentCaller() caller: Caller, @Query() query: PageQuery) {
    return this.cases.list(query.page, query.limit, {}, audienceOf(caller));
  }

  @Allow('member')
  @Get(':id')
  @ApiOperation({ summary: 'One case with its timeline', description: 'messageAddress and messageCountry only for coordinators and admins.' })
  @ApiOkResponse({ type: CaseWithEventsView })
  get(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string) {
    return this.cases.get(id, audienceOf(caller));
  }

  @Allow('coordinator')
  @Post(':id/events')
  @ApiOperation({ summary: "Add an event to a case's timeline" })
  @ApiCreatedResponse({ type: CaseEventView })
  addEvent(@Param('id', UuidParam) id: string, @Body() body: CreateCaseEventDto) {
    return this.cases.addEvent(id, body);
  }
}

/** Where a case's cards go is for staff: a member's answer never holds it. */
function audienceOf(caller: Caller): CaseAudience {
  return isCoordinator(caller) ? 'staff' : 'member';
}
