import { Body, Controller, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CaseEventView } from '../cases/dto/case.dto';
import { Allow } from '../common/auth/roles.decorator';
import { ErrorResponse } from '../common/error-response.dto';
import { PageOf, PageQuery } from '../common/pagination';
import { UuidParam } from '../common/uuid.pipe';
import { ReplyEventDto, ReplyView } from './dto/inbound.dto';
import { RepliesService } from './replies.service';

/** Officials' replies to letters, captured by the inbound listener: shown to coordinators on the case, never forwarded. */
@ApiTags('replies')
@Controller('api/cases/:id/replies')
@Allow('coordinator')
export class RepliesController {
  constructor(@Inject(RepliesService) private readonly replies: RepliesService) {}

  @Get()
  @ApiOperation({ summary: "A case's replies from officials, newest first" })
  @ApiOkResponse({ type: PageOf(ReplyView) })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No such case' })
  list(@Param('id', UuidParam) id: string, @Query() query: PageQuery) {
    return this.replies.list(id, query.page, query.limit);
  }

  @Post(':replyId/event')
  @ApiOperation({ summary: "Add a reply to the case's timeline as an event (kind `official-reply`), once" })
  @ApiCreatedResponse({ type: CaseEventView })
  @ApiNotFoundResponse({ type: ErrorResponse, description: 'No such case, or no such reply on it' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The reply is on the timeline already' })
  addEvent(@Param('id', UuidParam) id: string, @Param('replyId', UuidParam) replyId: string, @Body() body: ReplyEventDto): Promise<CaseEventView> {
    return this.replies.addToTimeline(id, replyId, body?.description);
  }
}
