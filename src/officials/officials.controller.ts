import { Body, Controller, Get, Inject, Post, Query } from '@nestjs/common';
import { Allow } from '../auth/roles.decorator';
import { PageQuery } from '../common/pagination';
import { CreateOfficialDto } from './dto/official.dto';
import { OfficialsService } from './officials.service';

@Controller('api/officials')
@Allow('coordinator')
export class OfficialsController {
  constructor(@Inject(OfficialsService) private readonly officials: OfficialsService) {}

  @Post()
  create(@Body() body: CreateOfficialDto) {
    return this.officials.create(body);
  }

  @Get()
  list(@Query() query: PageQuery) {
    return this.officials.list(query.page, query.limit);
  }
}
