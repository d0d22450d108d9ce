import { Controller, Get, Inject, Param } from '@nestjs/common';
import { Caller, CurrentCaller } from '../auth/current-supporter.decorator';
import { Allow } from '../auth/roles.decorator';
import { UuidParam } from '../common/uuid.pipe';
import { StatsService } from './stats.service';

@Controller('api/stats')
export class StatsController {
  constructor(@Inject(StatsService) private readonly stats: StatsService) {}

  @Allow('coordinator')
  @Get('cases/:id')
  forCase(@Param('id', UuidParam) id: string) {
    return this.stats.forScope('case', id);
  }

  @Allow('coordinator')
  @Get('appeals/:id')
  forAppeal(@Param('id', UuidParam) id: string) {
    return this.stats.forScope('appeal', id);
  }

  @Allow('coordinator')
  @Get('officials/:id')
  forOfficial(@Param('id', UuidParam) id: string) {
    return this.stats.forScope('official', id);
  }

  @Allow('member')
  @Get('supporters/:id')
  forSupporter(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string) {
    return this.stats.forSupporter(caller, id);
  }
}
