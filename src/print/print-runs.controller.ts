import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentCaller, Caller } from '../common/auth/current-supporter.decorator';
import { Allow } from '../common/auth/roles.decorator';
import { ErrorResponse } from '../common/error-response.dto';
import { PageOf, PageQuery } from '../common/pagination';
import { UuidParam } from '../common/uuid.pipe';
import { PostedDto, PrintRunsQuery, PrintRunView, StartPrintRunDto } from './dto/print-run.dto';
import { PrintRunsService } from './print-runs.service';

@ApiTags('print runs')
@Controller('api/print-runs')
@Allow('coordinator')
export class PrintRunsController {
  constructor(@Inject(PrintRunsService) private readonly runs: PrintRunsService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a print run of the letters of an appeal or a cycle waiting for post; a worker renders it' })
  @ApiAcceptedResponse({ type: PrintRunView, description: 'status rendering' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'No letter waits for post, or ORG_POSTAL_ADDRESS is not set' })
  start(@CurrentCaller() caller: Caller, @Body() body: StartPrintRunDto) {
    return this.runs.start(caller, body);
  }

  @Get()
  @ApiOperation({ summary: 'Print runs, newest first, optionally of one appeal or cycle' })
  @ApiOkResponse({ type: PageOf(PrintRunView) })
  list(@Query() page: PageQuery, @Query() filter: PrintRunsQuery) {
    return this.runs.list({ appealId: filter.appealId, cycleId: filter.cycleId }, page.page, page.limit);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One print run: its status, counts and files' })
  @ApiOkResponse({ type: PrintRunView })
  get(@Param('id', UuidParam) id: string) {
    return this.runs.get(id);
  }

  @Get(':id/files/:name')
  @ApiOperation({ summary: "One of a ready run's files: letters.pdf, envelopes.pdf, manifest.csv (or cards.pdf)" })
  @ApiOkResponse({ description: 'The file', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } }, 'text/csv': { schema: { type: 'string', format: 'binary' } } } })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No such run or file, or the run is not ready' })
  file(@Param('id', UuidParam) id: string, @Param('name') name: string): Promise<StreamableFile> {
    return this.runs.file(id, name);
  }

  @Post(':id/posted')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark a ready run posted: its letters become posted' })
  @ApiOkResponse({ type: PrintRunView })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The run is not ready' })
  posted(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string, @Body() body: PostedDto) {
    return this.runs.posted(caller, id, body);
  }

  @Post(':id/discard')
  @HttpCode(200)
  @ApiOperation({ summary: 'Discard a ready or failed run: its letters wait for post again' })
  @ApiOkResponse({ type: PrintRunView })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The run is rendering, posted or discarded' })
  discard(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string) {
    return this.runs.discard(caller, id);
  }
}
