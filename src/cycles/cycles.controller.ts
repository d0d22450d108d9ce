import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../common/auth/roles.decorator';
import { ErrorResponse } from '../common/error-response.dto';
import { PageOf, PageQuery } from '../common/pagination';
import { UuidParam } from '../common/uuid.pipe';
import { CyclesService } from './cycles.service';
import { CreateCycleDto, CycleView, RemindResult } from './dto/cycle.dto';

@ApiTags('cycles')
@Controller('api/cycles')
@Allow('coordinator')
export class CyclesController {
  constructor(@Inject(CyclesService) private readonly cycles: CyclesService) {}

  @Post()
  @ApiOperation({ summary: "Bundle the month's appeals into a cycle (status draft)" })
  @ApiCreatedResponse({ type: CycleView })
  create(@Body() body: CreateCycleDto) {
    return this.cycles.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List cycles' })
  @ApiOkResponse({ type: PageOf(CycleView) })
  list(@Query() query: PageQuery) {
    return this.cycles.list(query.page, query.limit);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One cycle with its invitation counts' })
  @ApiOkResponse({ type: CycleView })
  get(@Param('id', UuidParam) id: string) {
    return this.cycles.get(id);
  }

  @Post(':id/open')
  @HttpCode(200)
  @ApiOperation({ summary: 'Open a cycle: auto-signers sign, every other active member is invited' })
  @ApiOkResponse({ type: CycleView })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The cycle is not a draft, or an appeal no longer takes signatures' })
  open(@Param('id', UuidParam) id: string) {
    return this.cycles.open(id);
  }

  @Post(':id/remind')
  @HttpCode(200)
  @ApiOperation({ summary: 'Remind the invited members who have not signed, once' })
  @ApiOkResponse({ type: RemindResult })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The cycle is not open, was reminded already, or reminderAfterDays has not passed' })
  remind(@Param('id', UuidParam) id: string) {
    return this.cycles.remind(id);
  }
}
