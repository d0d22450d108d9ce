import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Headers, Inject, Param, Post, Query } from '@nestjs/common';
import { Allow } from '../auth/roles.decorator';
import { Caller, CurrentCaller } from '../auth/current-supporter.decorator';
import { PageQuery } from '../common/pagination';
import { UuidParam } from '../common/uuid.pipe';
import { CreateSupporterDto } from './dto/supporter.dto';
import { PrivacyService } from './privacy.service';
import { SupportersService } from './supporters.service';

@Controller('api/supporters')
export class SupportersController {
  constructor(
    @Inject(SupportersService) private readonly supporters: SupportersService,
    @Inject(PrivacyService) private readonly privacy: PrivacyService,
  ) {}

  @Allow('coordinator')
  @Post()
  create(@CurrentCaller() caller: Caller, @Body() body: CreateSupporterDto) {
    return this.supporters.create(caller, body);
  }

  @Allow('coordinator')
  @Post('import')
  import(@Headers('content-type') contentType: string | undefined, @Body() body: unknown) {
    if (!contentType?.startsWith('text/csv') || typeof body !== 'string') {
      throw new BadRequestException('Send the CSV as the body with Content-Type: text/csv');
    }
    return this.supporters.importCsv(body);
  }

  @Allow('coordinator')
  @Get()
  list(@Query() query: PageQuery) {
    return this.supporters.list(query.page, query.limit);
  }

  @Allow('member')
  @Get(':id')
  get(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string) {
    return this.supporters.get(caller, id);
  }

  /** A supporter's data as JSON: an admin's, or a member's own (anyone else's id is 404). */
  @Allow('member')
  @Get(':id/export')
  export(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string) {
    return this.privacy.export(caller, id);
  }

  /** Deletes a supporter's data, keeping their letters counted with no supporter: an admin, or a member itself. */
  @Allow('member')
  @Delete(':id')
  @HttpCode(200)
  delete(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string) {
    return this.privacy.delete(caller, id);
  }
}
