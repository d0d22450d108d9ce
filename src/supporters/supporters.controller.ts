import { BadRequestException, Body, Controller, Get, Headers, Inject, Param, Post, Query } from '@nestjs/common';
import { Allow } from '../auth/roles.decorator';
import { Caller, CurrentCaller } from '../auth/current-supporter.decorator';
import { PageQuery } from '../common/pagination';
import { UuidParam } from '../common/uuid.pipe';
import { CreateSupporterDto } from './dto/supporter.dto';
import { SupportersService } from './supporters.service';

@Controller('api/supporters')
export class SupportersController {
  constructor(@Inject(SupportersService) private readonly supporters: SupportersService) {}

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
}
