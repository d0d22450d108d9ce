import { Controller, Get, Inject, Query } from '@nestjs/common';
import { Caller, CallerRecord, CurrentCaller } from '../common/auth/current-supporter.decorator';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../common/auth/roles.decorator';
import { PageOf, PageQuery } from '../common/pagination';
import { MyLetterView, SupporterView } from './dto/supporter.dto';
import { SupportersService } from './supporters.service';

@ApiTags('me')
@Controller('api/me')
@Allow('member')
export class MeController {
  constructor(@Inject(SupportersService) private readonly supporters: SupportersService) {}

  @Get()
  @ApiOperation({ summary: 'Your own record' })
  @ApiOkResponse({ type: SupporterView })
  me(@CurrentCaller() caller: Caller, @CallerRecord() record: SupporterView | undefined) {
    return record ?? this.supporters.get(caller, caller.id);
  }

  @Get('letters')
  @ApiOperation({ summary: 'Your letters, newest first' })
  @ApiOkResponse({ type: PageOf(MyLetterView) })
  letters(@CurrentCaller() caller: Caller, @Query() query: PageQuery) {
    return this.supporters.letters(caller.id, query.page, query.limit);
  }
}
