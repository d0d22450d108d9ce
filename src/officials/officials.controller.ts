import { Body, Controller, Get, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../common/auth/roles.decorator';
import { PageOf, PageQuery } from '../common/pagination';
import { UuidParam } from '../common/uuid.pipe';
import { CreateOfficialDto, OfficialView, UpdateOfficialDto } from './dto/official.dto';
import { OfficialsService } from './officials.service';

@ApiTags('officials')
@Controller('api/officials')
@Allow('coordinator')
export class OfficialsController {
  constructor(@Inject(OfficialsService) private readonly officials: OfficialsService) {}

  @Post()
  @ApiOperation({ summary: 'Record an official (an email or a postal address, or both)' })
  @ApiCreatedResponse({ type: OfficialView })
  create(@Body() body: CreateOfficialDto): Promise<OfficialView> {
    return this.officials.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List officials' })
  @ApiOkResponse({ type: PageOf(OfficialView) })
  list(@Query() query: PageQuery) {
    return this.officials.list(query.page, query.limit);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One official' })
  @ApiOkResponse({ type: OfficialView })
  get(@Param('id', UuidParam) id: string): Promise<OfficialView> {
    return this.officials.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an official: the fields given; null clears an optional field' })
  @ApiOkResponse({ type: OfficialView })
  update(@Param('id', UuidParam) id: string, @Body() body: UpdateOfficialDto): Promise<OfficialView> {
    return this.officials.update(id, body);
  }
}
