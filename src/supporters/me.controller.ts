import { Controller, Get, Inject, Query } from '@nestjs/common';
import { Caller, CurrentCaller } from '../auth/current-supporter.decorator';
import { Allow } from '../auth/roles.decorator';
import { PageQuery } from '../common/pagination';
import { SupportersService } from './supporters.service';

@Controller('api/me')
@Allow('member')
export class MeController {
  constructor(@Inject(SupportersService) private readonly supporters: SupportersService) {}

  @Get()
  me(@CurrentCaller() caller: Caller) {
    return this.supporters.get(caller, caller.id);
  }

  @Get('letters')
  letters(@CurrentCaller() caller: Caller, @Query() query: PageQuery) {
    return this.supporters.letters(caller.id, query.page, query.limit);
  }
}
