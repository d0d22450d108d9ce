import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, CurrentCaller } from '../common/auth/current-supporter.decorator';
import { Allow } from '../common/auth/roles.decorator';
import { ErrorResponse } from '../common/error-response.dto';
import { PageOf } from '../common/pagination';
import { UuidParam } from '../common/uuid.pipe';
import { RateLimited } from '../common/rate-limit/rate-limit.guard';
import { AppealsService } from './appeals.service';
import { AppealListQuery, AppealView, CreateAppealDto, SignAppealDto, SignatureResult } from './dto/appeal.dto';

const ApiStatusConflict = () => ApiConflictResponse({ type: ErrorResponse, description: 'The appeal is not in a status this allows' });

@ApiTags('appeals')
@Controller('api/appeals')
export class AppealsController {
  constructor(@Inject(AppealsService) private readonly appeals: AppealsService) {}

  @Allow('coordinator')
  @Post()
  @ApiOperation({ summary: 'Create an appeal (status draft); templateIds in your order, the first is the fallback language' })
  @ApiCreatedResponse({ type: AppealView })
  create(@Body() body: CreateAppealDto) {
    return this.appeals.create(body);
  }

  @Allow('coordinator')
  @Get()
  @ApiOperation({ summary: 'List appeals, oldest first, optionally by status or case' })
  @ApiOkResponse({ type: PageOf(AppealView) })
  list(@Query() query: AppealListQuery) {
    return this.appeals.list(query);
  }

  @Allow('member')
  @Get(':id')
  @ApiOperation({ summary: 'One appeal with its letter counts by status' })
  @ApiOkResponse({ type: AppealView })
  get(@Param('id', UuidParam) id: string) {
    return this.appeals.get(id);
  }

  @Allow('coordinator')
  @Post(':id/launch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Launch a draft appeal: auto-signers sign and their letters are queued' })
  @ApiOkResponse({ type: AppealView })
  @ApiStatusConflict()
  launch(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string) {
    return this.appeals.transition(id, 'launch', caller.id);
  }

  @Allow('coordinator')
  @Post(':id/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause an open appeal: letters wait' })
  @ApiOkResponse({ type: AppealView })
  @ApiStatusConflict()
  pause(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string) {
    return this.appeals.transition(id, 'pause', caller.id);
  }

  @Allow('coordinator')
  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused appeal' })
  @ApiOkResponse({ type: AppealView })
  @ApiStatusConflict()
  resume(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string) {
    return this.appeals.transition(id, 'resume', caller.id);
  }

  @Allow('coordinator')
  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel an appeal: its queued letters are cancelled' })
  @ApiOkResponse({ type: AppealView })
  @ApiStatusConflict()
  cancel(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string) {
    return this.appeals.transition(id, 'cancel', caller.id);
  }

  @Allow('member')
  @Post(':id/signatures')
  @RateLimited('signing')
  @ApiOperation({ summary: 'Sign as yourself, with an optional note; signing again changes nothing' })
  @ApiCreatedResponse({ type: SignatureResult })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The appeal takes no signatures (not open or paused)' })
  sign(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string, @Body() body: SignAppealDto) {
    return this.appeals.sign(caller, id, body);
  }
}
