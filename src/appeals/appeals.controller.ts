import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { Caller, CurrentCaller } from '../auth/current-supporter.decorator';
import { Allow } from '../auth/roles.decorator';
import { UuidParam } from '../common/uuid.pipe';
import { RateLimited } from '../rate-limit/rate-limit.guard';
import { AppealsService } from './appeals.service';
import { CreateAppealDto, SignAppealDto } from './dto/appeal.dto';

@Controller('api/appeals')
export class AppealsController {
  constructor(@Inject(AppealsService) private readonly appeals: AppealsService) {}

  @Allow('coordinator')
  @Post()
  create(@Body() body: CreateAppealDto) {
    return this.appeals.create(body);
  }

  @Allow('member')
  @Get(':id')
  get(@Param('id', UuidParam) id: string) {
    return this.appeals.get(id);
  }

  @Allow('coordinator')
  @Post(':id/launch')
  @HttpCode(200)
  launch(@Param('id', UuidParam) id: string) {
    return this.appeals.transition(id, 'launch');
  }

  @Allow('coordinator')
  @Post(':id/pause')
  @HttpCode(200)
  pause(@Param('id', UuidParam) id: string) {
    return this.appeals.transition(id, 'pause');
  }

  @Allow('coordinator')
  @Post(':id/resume')
  @HttpCode(200)
  resume(@Param('id', UuidParam) id: string) {
    return this.appeals.transition(id, 'resume');
  }

  @Allow('coordinator')
  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Param('id', UuidParam) id: string) {
    return this.appeals.transition(id, 'cancel');
  }

  @Allow('member')
  @Post(':id/signatures')
  @RateLimited('signing')
  sign(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string, @Body() body: SignAppealDto) {
    return this.appeals.sign(caller, id, body);
  }
}
