import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, CurrentCaller } from '../common/auth/current-supporter.decorator';
import { Allow } from '../common/auth/roles.decorator';
import { ErrorResponse } from '../common/error-response.dto';
import { PageOf } from '../common/pagination';
import { RateLimited } from '../common/rate-limit/rate-limit.guard';
import { UuidParam } from '../common/uuid.pipe';
import { MessageListQuery, MessageView, ModeratedMessageView, WriteMessageDto } from './dto/message.dto';
import { ModerationService } from './moderation.service';

const ApiDecided = () => ApiConflictResponse({ type: ErrorResponse, description: 'The message is not held (approved, rejected or printed already)' });

/** Messages of solidarity: members write them, coordinators approve or reject them. */
@ApiTags('messages')
@Controller('api')
export class ModerationController {
  constructor(@Inject(ModerationService) private readonly moderation: ModerationService) {}

  @Allow('member')
  @Post('cases/:id/messages')
  @RateLimited('signing')
  @ApiOperation({ summary: 'Write a message of solidarity to the person in a case, as yourself; it is held for moderation' })
  @ApiCreatedResponse({ type: MessageView })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'The text breaks a rule (named), or the case does not accept messages (or is released or deceased)' })
  @ApiConflictResponse({ type: ErrorResponse, description: 'You have a message for this case waiting for moderation already' })
  write(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string, @Body() body: WriteMessageDto) {
    return this.moderation.write(id, caller.id, body.text);
  }

  @Allow('coordinator')
  @Get('cases/:id/messages')
  @ApiOperation({ summary: "A case's messages, oldest first, of one status or all" })
  @ApiOkResponse({ type: PageOf(ModeratedMessageView) })
  list(@Param('id', UuidParam) id: string, @Query() query: MessageListQuery) {
    return this.moderation.list(id, query.status, query.page, query.limit);
  }

  @Allow('coordinator')
  @Post('messages/:id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve a held message: it waits for a cards print run' })
  @ApiOkResponse({ type: ModeratedMessageView })
  @ApiDecided()
  approve(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string) {
    return this.moderation.decide(id, 'approved', caller.id);
  }

  @Allow('coordinator')
  @Post('messages/:id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject a held message: it is never printed' })
  @ApiOkResponse({ type: ModeratedMessageView })
  @ApiDecided()
  reject(@CurrentCaller() caller: Caller, @Param('id', UuidParam) id: string) {
    return this.moderation.decide(id, 'rejected', caller.id);
  }
}
