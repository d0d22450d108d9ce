import { Controller, Delete, Get, HttpCode, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, CurrentCaller } from '../common/auth/current-supporter.decorator';
import { Allow } from '../common/auth/roles.decorator';
import { UuidParam } from '../common/uuid.pipe';
import { DeletionReport, SupporterExport } from './dto/privacy.dto';
import { PrivacyService } from './privacy.service';

/** A member's own data rights: export it, delete it. */
@ApiTags('me')
@Controller('api/me')
@Allow('member')
export class MyDataController {
  constructor(@Inject(PrivacyService) private readonly privacy: PrivacyService) {}

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

/** A supporter's data rights as an admin (or the member itself) exercises them. */
@ApiTags('supporters')
@Controller('api/supporters')
export class SupporterDataController {
  constructor(@Inject(PrivacyService) private readonly privacy: PrivacyService) {}

  /** A supporter's data as JSON: an admin's, or a member's own (anyone else's id is 404). */
  @Allow('member')
  @Get(':id/export')
  @ApiOperation({ summary: "Export a supporter's data (an admin, or the member itself)" })
  @ApiOkResponse({ type: SupporterExport })
  export(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string) {
    return this.privacy.export(caller, id);
  }

  /** Deletes a supporter's data, keeping their letters counted with no supporter: an admin, or a member itself. */
  @Allow('member')
  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: "Delete a supporter's data, keeping their letters counted (an admin, or the member itself)" })
  @ApiOkResponse({ type: DeletionReport })
  delete(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string) {
    return this.privacy.delete(caller, id);
  }
}
