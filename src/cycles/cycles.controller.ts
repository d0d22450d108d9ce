import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { Allow } from '../auth/roles.decorator';
import { PageQuery } from '../common/pagination';
import { UuidParam } from '../common/uuid.pipe';
import { CyclesService } from './cycles.service';
import { CreateCycleDto } from './dto/cycle.dto';

@Controller('api/cycles')
@Allow('coordinator')
export class CyclesController {
  constructor(@Inject(CyclesService) private readonly cycles: CyclesService) {}

  @Post()
  create(@Body() body: CreateCycleDto) {
    return this.cycles.create(body);
  }

  @Get()
  list(@Query() query: PageQuery) {
    return this.cycles.list(query.page, query.limit);
  }

  @Get(':id')
  get(@Param('id', UuidParam) id: string) {
    return this.cycles.get(id);
  }

  @Post(':id/open')
  @HttpCode(200)
  open(@Param('id', UuidParam) id: string) {
    return this.cycles.open(id);
  }

  @Post(':id/remind')
  @HttpCode(200)
  remind(@Param('id', UuidParam) id: string) {
    return this.cycles.remind(id);
  }
}
