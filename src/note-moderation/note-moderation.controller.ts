import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, CurrentCaller } from '../common/auth/current-supporter.decorator';
import { Allow } from '../common/auth/roles.decorator';
import { ErrorResponse } from '../common/error-response.dto';
import { PageOf, PageQuery } from '../common/pagination';
import { UuidParam } from '../common/uuid.pipe';
import { HeldNoteView, NoteDecisionView } from './dto/held-note.dto';
import { NoteModerationService } from './note-moderation.service';

const ApiDecided = () => ApiConflictResponse({ type: ErrorResponse, description: 'The note is not held (approved or rejected already, or the signature was never held)' });
const ApiUnknownSignature = () => ApiNotFoundResponse({ type: ErrorResponse, description: 'No such signature' });

/** Signers' notes an appeal's moderation held: coordinators list them and approve or reject each. */
@ApiTags('moderation')
@Controller('api')
@Allow('coordinator')
export class NoteModerationController {
  constructor(@Inject(NoteModerationService) private readonly moderation: NoteModerationService) {}

  @Get('appeals/:id/held')
  @ApiOperation({ summary: "An appeal's signatures whose notes wait for moderation, oldest first (their letters are held)" })
  @ApiOkResponse({ type: PageOf(HeldNoteView) })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No such appeal' })
  held(@Param('id', UuidParam) id: string, @Query() query: PageQuery) {
    return this.moderation.held(id, query.page, query.limit);
  }

  @Post('signatures/:id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: "Approve a held note: the signature's letters go with it" })
  @ApiOkResponse({ type: NoteDecisionView })
  @ApiDecided()
  @ApiUnknownSignature()
  approve(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string) {
    return this.moderation.decide(id, 'approved', caller.id);
  }

  @Post('signatures/:id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: "Reject a held note: it is removed and the signature's letters go without it" })
  @ApiOkResponse({ type: NoteDecisionView })
  @ApiDecided()
  @ApiUnknownSignature()
  reject(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string) {
    return this.moderation.decide(id, 'rejected', caller.id);
  }
}
