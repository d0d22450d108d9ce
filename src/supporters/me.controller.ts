import { Controller, Delete, Get, HttpCode, Inject, Query } from '@nestjs/common';
import { Caller, CurrentCaller } from '../auth/current-supporter.decorator';
import { Allow } from '../auth/roles.decorator';
import { PageQuery } from '../common/pagination';
import { PrivacyService } from './privacy.service';
import { SupportersService } from './supporters.service';

@Controller('api/me')
@Allow('member')
export class MeController {
  constructor(
    @Inject(SupportersService) private readonly supporters: SupportersService,
    @Inject(PrivacyService) private readonly privacy: PrivacyService,
  ) {}

  @Get()
  me(@CurrentCaller() caller: Caller) {
    return this.supporters.get(caller, caller.id);
  }

  @Get('letters')
  letters(@CurrentCaller() caller: Caller, @Query() query: PageQuery) {
    return this.supporters.letters(caller.id, query.page, query.limit);
  }

  /** Everything qalam holds about the caller, as JSON. */
  @Get('export')
  export(@CurrentCaller() caller: Caller) {
    return this.privacy.export(caller, caller.id);
  }

  /** Deletes the caller's data; their letters stay counted, with no supporter. Their token stops working. */
  @Delete()
  @HttpCode(200)
  delete(@CurrentCaller() caller: Caller) {
    return this.privacy.delete(caller, caller.id);
  }
}
