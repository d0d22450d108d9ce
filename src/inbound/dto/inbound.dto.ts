import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { ApiId, ApiNullable, ApiTimestamp } from '../../common/api-properties';
import type { ReplyRow } from '../../inbound-mail/inbound-mail.repository';
import type { SuppressionRow } from '../../letters/suppressions.repository';

/** An official's reply to a letter, as coordinators read it on the case. */
export class ReplyView {
  @ApiId() id: string;
  @ApiTimestamp() receivedAt: Date;
  @ApiNullable({ format: 'uuid' }) officialId: string | null;
  @ApiNullable({ description: "The official's name as it is now" }) officialName: string | null;
  @ApiNullable({ format: 'uuid', description: 'The letter it answers' }) letterId: string | null;
  @ApiNullable({ format: 'uuid' }) appealId: string | null;
  @ApiNullable({ description: 'The address it came from' }) from: string | null;
  @ApiNullable() subject: string | null;
  @ApiNullable({ description: 'Its text (the plain-text part, at most 20,000 characters)' }) text: string | null;
  @ApiNullable({ format: 'uuid', description: 'The case event made of it, once a coordinator added it to the timeline' }) caseEventId: string | null;
}

export function toReplyView(row: ReplyRow): ReplyView {
  const { id, receivedAt, officialId, officialName, letterId, appealId, from, subject, text, caseEventId } = row;
  return { id, receivedAt, officialId, officialName, letterId, appealId, from, subject, text, caseEventId };
}

export class ReplyEventDto {
  @ApiPropertyOptional({ description: "The event's description; unset: the official's name, the reply's subject and its first lines", maxLength: 2000 })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(2000) description?: string;
}

/** An address no letter goes to (an official's, after a permanent refusal or a 5.x.x bounce). */
export class SuppressionView {
  @ApiProperty({ format: 'email' }) address: string;
  @ApiProperty({ example: 'bounce 5.1.1' }) reason: string;
  @ApiTimestamp() createdAt: Date;
}

export function toSuppressionView(row: SuppressionRow): SuppressionView {
  return { address: row.address, reason: row.reason, createdAt: row.createdAt };
}
