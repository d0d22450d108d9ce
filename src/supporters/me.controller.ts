import { Controller, Delete, Get, HttpCode, Inject, Query } from '@nestjs/common';
import { Caller, CurrentCaller } from '../common/auth/current-supporter.decorator';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../common/auth/roles.decorator';
import { PageOf, PageQuery } from '../common/pagination';
import { DeletionReport, SupporterExport } from './dto/privacy.dto';
import { MyLetterView, SupporterView } from './dto/supporter.dto';
import { PrivacyService } from './privacy.service';
import { SupportersService } from './supporters.service';

@ApiTags('me')
@Controller('api/me')
@Allow('member')
export class MeController {
  constructor(
    @Inject(SupportersService) private readonly supporters: SupportersService,
    @Inject(PrivacyService) private readonly privacy: PrivacyService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Your own record' })
  @ApiOkResponse({ type: SupporterView })
  me(@CurrentCaller() caller: Caller) {
    return this.supporters.get(caller, caller.id);
  }

  @Get('letters')
  @ApiOperation({ summary: 'Your letters, newest first' })
  @ApiOkResponse({ type: PageOf(MyLetterView) })
  letters(@CurrentCaller() caller: Caller, @Query() query: PageQuery) {
    return this.supporters.letters(caller.id, query.page, query.limit);
  }

  /** Everything qalam holds about the caller, as JSON. */
  @Get('export')
  @ApiOperation({ summary: 'Export your data' })
  @ApiOkResponse({ type: SupporterExport })
  export(@CurrentCaller() caller: Caller) {
    return this.privacy.export(caller, caller.id);
  }

  /** Deletes the caller's data; their letters stay counted, with no supporter. Their token stops working. */
  @Delete()
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete your data; your letters stay counted, with no supporter' })
  @ApiOkResponse({ type: DeletionReport })
  delete(@CurrentCaller() caller: Caller) {
    return this.privacy.delete(caller, caller.id);
  }
}
