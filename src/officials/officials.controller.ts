import { Caller, CurrentCaller } from '../common/auth/current-supporter.decorator';
import { BadRequestException, Body, Controller, Get, Headers, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../common/auth/roles.decorator';
import { PageOf, PageQuery } from '../common/pagination';
import { UuidParam } from '../common/uuid.pipe';
import { CreateOfficialDto, OfficialImportReport, OfficialView, UpdateOfficialDto } from './dto/official.dto';
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

  @Post('import')
  @ApiOperation({ summary: 'Import officials from CSV (good rows kept, bad ones reported by line; an id, an email or the same name, title and country updates)' })
  @ApiConsumes('text/csv')
  @ApiBody({
    schema: {
      type: 'string',
      example: 'name,title,country,email,language,timezone,maxLettersPerHour,officeHoursStart,officeHoursEnd,officeDays\nI. Rahmon,Prosecutor General,TJ,office@prokuratura.tj,ru,Asia/Dushanbe,20,09:00,18:00,"1,2,3,4,5"',
    },
  })
  @ApiCreatedResponse({ type: OfficialImportReport })
  import(@CurrentCaller() caller: Caller, @Headers('content-type') contentType: string | undefined, @Body() body: unknown): Promise<OfficialImportReport> {
    if (!contentType?.startsWith('text/csv') || typeof body !== 'string') {
      throw new BadRequestException('Send the CSV as the body with Content-Type: text/csv');
    }
    return this.officials.import(body, caller.id);
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

  @Post(':id/unflag')
  @HttpCode(200)
  @ApiOperation({ summary: "Clear an official's flag (set by a bounce or a complaint); recorded in the audit log" })
  @ApiOkResponse({ type: OfficialView })
  unflag(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string): Promise<OfficialView> {
    return this.officials.unflag(id, caller.id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an official: the fields given; null clears an optional field' })
  @ApiOkResponse({ type: OfficialView })
  update(@Param('id', UuidParam) id: string, @Body() body: UpdateOfficialDto): Promise<OfficialView> {
    return this.officials.update(id, body);
  }
}
