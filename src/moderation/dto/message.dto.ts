import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ApiId, ApiNullable, ApiTimestamp } from '../../common/api-properties';
import { PageQuery } from '../../common/pagination';
import { MESSAGE_MAX_LENGTH, MESSAGE_MAX_LINES } from '../../messages/message-text';
import { MESSAGE_STATUSES, MessageStatus } from '../../messages/message.entity';
import type { MessageRow } from '../../messages/messages.repository';

export class WriteMessageDto {
  // The rules of a card's text (length counted after trimming, lines, printable characters)
  // are the service's, shared with the signing page; this bound only keeps a body small.
  @ApiProperty({ description: `A few kind words to the person: trimmed, 1 to ${MESSAGE_MAX_LENGTH} characters, at most ${MESSAGE_MAX_LINES} lines, in characters the cards' fonts can print (Latin, Cyrillic)`, maxLength: MESSAGE_MAX_LENGTH })
  @IsString() @MaxLength(10 * MESSAGE_MAX_LENGTH) text: string;
}

export class MessageListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: MESSAGE_STATUSES, description: 'Only the messages of this status; unset: all' })
  @IsOptional() @IsIn(MESSAGE_STATUSES, { message: `status must be one of ${MESSAGE_STATUSES.join(', ')}` }) status?: MessageStatus;
}

/** Several messages of one case decided at once (the console's "approve selected"). */
export class DecideMessagesDto {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(500) @IsUUID('all', { each: true, message: 'ids must be message ids' }) ids: string[];
}

/** A message as its writer sees it. */
export class MessageView {
  @ApiId() id: string;
  @ApiId() caseId: string;
  @ApiProperty() text: string;
  @ApiProperty({ enum: MESSAGE_STATUSES }) status: MessageStatus;
  @ApiTimestamp() createdAt: Date;
}

/** A message as coordinators moderate it: its writer by id only (never their email). */
export class ModeratedMessageView extends MessageView {
  @ApiNullable({ format: 'uuid', description: "The writer's supporter id; null once they erased their data" }) supporterId: string | null;
  @ApiProperty({ description: 'The language the member wrote from (the card\'s fixed phrases)', example: 'en' }) language: string;
  @ApiNullable({ format: 'uuid', description: 'The coordinator who approved or rejected it' }) decidedBy: string | null;
  @ApiNullable({ format: 'date-time' }) decidedAt: Date | null;
}

export function toMessageView(row: MessageRow): MessageView {
  const { id, caseId, text, status, createdAt } = row;
  return { id, caseId, text, status, createdAt };
}

export function toModeratedMessageView(row: MessageRow): ModeratedMessageView {
  const { supporterId, language, decidedBy, decidedAt } = row;
  return { ...toMessageView(row), supporterId, language, decidedBy, decidedAt };
}
