import { BadRequestException, Body, Controller, Get, Headers, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiConsumes, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../common/auth/roles.decorator';
import { Caller, CurrentCaller } from '../common/auth/current-supporter.decorator';
import { ErrorResponse } from '../common/error-response.dto';
import { PageOf, PageQuery } from '../common/pagination';
import { UuidParam } from '../common/uuid.pipe';
import { CreateSupporterDto, ImportReport, SupporterView, UpdateSupporterDto } from './dto/supporter.dto';
import { SupportersService } from './supporters.service';

@ApiTags('supporters')
@Controller('api/supporters')
export class SupportersController {
  constructor(@Inject(SupportersService) private readonly supporters: SupportersService) {}

  @Allow('coordinator')
  @Post()
  @ApiOperation({ summary: 'Add a supporter (only an admin may set role)' })
  @ApiCreatedResponse({ type: SupporterView })
  @ApiConflictResponse({ type: ErrorResponse, description: 'A supporter with this email already exists' })
  create(@CurrentCaller() caller: Caller, @Body() body: CreateSupporterDto) {
    return this.supporters.create(caller, body);
  }

  @Allow('coordinator')
  @Post('import')
  @ApiOperation({ summary: 'Import members from CSV (good rows kept, bad ones reported by line)' })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: 'email,name,country,city,language,autoSign,signatureStyle\nrena@example.org,Rena,DE,Berlin,en,true,full' } })
  @ApiCreatedResponse({ type: ImportReport })
  import(@CurrentCaller() caller: Caller, @Headers('content-type') contentType: string | undefined, @Body() body: unknown) {
    if (!contentType?.startsWith('text/csv') || typeof body !== 'string') {
      throw new BadRequestException('Send the CSV as the body with Content-Type: text/csv');
    }
    return this.supporters.importCsv(body, caller.id);
  }

  @Allow('coordinator')
  @Get()
  @ApiOperation({ summary: 'List supporters' })
  @ApiOkResponse({ type: PageOf(SupporterView) })
  list(@Query() query: PageQuery) {
    return this.supporters.list(query.page, query.limit);
  }

  @Allow('member')
  @Get(':id')
  @ApiOperation({ summary: 'One supporter (a member: only itself, else 404)' })
  @ApiOkResponse({ type: SupporterView })
  get(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string) {
    return this.supporters.get(caller, id);
  }

  @Allow('coordinator')
  @Patch(':id')
  @ApiOperation({ summary: 'Deactivate or reactivate a supporter, or set their role (a coordinator may change only a member, and never a role)' })
  @ApiOkResponse({ type: SupporterView })
  @ApiForbiddenResponse({ type: ErrorResponse, description: 'Only an admin sets roles or changes a staff account' })
  @ApiNotFoundResponse({ type: ErrorResponse })
  update(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string, @Body() body: UpdateSupporterDto) {
    return this.supporters.update(caller, id, body);
  }
}
