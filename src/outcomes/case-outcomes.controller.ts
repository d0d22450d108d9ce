import { Caller, CurrentCaller } from '../common/auth/current-supporter.decorator';
import { Body, Controller, Inject, Param, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CaseWithEventsView, UpdateCaseDto } from '../cases/dto/case.dto';
import { Allow } from '../common/auth/roles.decorator';
import { UuidParam } from '../common/uuid.pipe';
import { OutcomesService } from './outcomes.service';

/** The one change to a case that reaches beyond it: its status (released, deceased) closes appeals and thanks writers. */
@ApiTags('cases')
@Controller('api/cases')
export class CaseOutcomesController {
  constructor(@Inject(OutcomesService) private readonly outcomes: OutcomesService) {}

  @Allow('coordinator')
  @Patch(':id')
  @ApiOperation({ summary: 'Change a case (released or deceased closes its appeals and thanks its writers)' })
  @ApiOkResponse({ type: CaseWithEventsView })
  update(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string, @Body() body: UpdateCaseDto) {
    return this.outcomes.update(id, body, caller.id);
  }
}
