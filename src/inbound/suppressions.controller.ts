import { Controller, Delete, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, CurrentCaller } from '../common/auth/current-supporter.decorator';
import { Allow } from '../common/auth/roles.decorator';
import { ErrorResponse } from '../common/error-response.dto';
import { PageOf, PageQuery } from '../common/pagination';
import { SuppressionView } from './dto/inbound.dto';
import { SuppressionsService } from './suppressions.service';

/** Officials' addresses no letter goes to, after a permanent refusal or a 5.x.x bounce. */
@ApiTags('suppressions')
@Controller('api/suppressions')
@Allow('coordinator')
export class SuppressionsController {
  constructor(@Inject(SuppressionsService) private readonly suppressions: SuppressionsService) {}

  @Get()
  @ApiOperation({ summary: 'Suppressed addresses, newest first' })
  @ApiOkResponse({ type: PageOf(SuppressionView) })
  list(@Query() query: PageQuery) {
    return this.suppressions.list(query.page, query.limit);
  }

  @Delete(':address')
  @ApiOperation({ summary: 'Lift a suppression: letters may go to the address again (recorded in the audit log)' })
  @ApiOkResponse({ type: SuppressionView, description: 'The suppression lifted' })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'Not an email address' })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'The address is not suppressed' })
  lift(@CurrentCaller() caller: Caller, @Param('address') address: string): Promise<SuppressionView> {
    return this.suppressions.lift(address, caller.id);
  }
}
