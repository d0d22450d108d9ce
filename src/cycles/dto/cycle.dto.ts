import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { ApiCount, ApiId, ApiTimestamp } from '../../common/api-properties';
import { OneLine, Trim } from '../../common/validation';
import type { AppealStatus } from '../../appeals/appeal.entity';
import type { CaseOfLetters } from '../../cases/case.entity';
import type { LetterStatus } from '../../letters/letter.entity';
import type { SignatureStyle } from '../../supporters/supporter.entity';
import type { TemplateKind } from '../../templates/template-engine';

export class CreateCycleDto {
  @Matches(/^[0-9]{4}-(0[1-9]|1[0-2])$/, { message: 'month must be a month as YYYY-MM' }) month: string;
  @Trim() @IsString() @Length(1, 200) @OneLine() title: string;
  /** In the order members will see them. */
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @ArrayUnique() @IsUUID('all', { each: true, message: 'appealIds must hold UUIDs' }) appealIds: string[];
  @IsOptional() @IsInt() @Min(1) @Max(60) reminderAfterDays?: number;
}

export class InvitationCounts {
  @ApiCount({ description: 'Members to invite' }) total: number;
  @ApiCount({ description: 'Invited: mail handed to the server, or its outcome unknown' }) invited: number;
  @ApiCount() reminded: number;
}

export class CycleView {
  @ApiId() id: string;
  @ApiProperty({ example: '2026-12' }) month: string;
  @ApiProperty() title: string;
  @ApiProperty({ example: 'open' }) status: string;
  @ApiProperty({ type: 'integer', nullable: true }) reminderAfterDays: number | null;
  @ApiProperty({ type: [String], format: 'uuid', description: "The cycle's appeals, in order" }) appealIds: string[];
  @ApiTimestamp({ nullable: true }) openedAt: Date | null;
  @ApiTimestamp({ nullable: true, description: 'When the reminder round began' }) remindedAt: Date | null;
  @ApiTimestamp() createdAt: Date;
  @ApiProperty({ type: InvitationCounts }) invitations: InvitationCounts;
}

export class RemindResult {
  @ApiCount({ description: 'Reminders queued' }) queued: number;
}

/** What one member sees of a cycle on its signing page. */
export interface MemberCycleView {
  id: string;
  month: string;
  title: string;
  status: string;
  openedAt: Date | null;
  member: { id: string; name: string; language: string; country: string; city: string | null; signatureStyle: SignatureStyle };
  appeals: MemberAppealView[];
  /** The month's cases that take messages of solidarity now, each with the text of the member's message held for it, if one waits. */
  messageBoxes: { caseId: string; heldText: string | null }[];
}

export interface MemberAppealView {
  id: string;
  title: string;
  /** open, paused (signatures kept, letters wait), cancelled or closed (takes no signature). */
  status: AppealStatus;
  /** The day by which members should sign (YYYY-MM-DD), or null. */
  deadline: string | null;
  position: number;
  case: CaseOfLetters & { events: { occurredOn: string; kind: string; description: string; sourceUrl: string | null }[] };
  officials: { id: string; name: string; title: string; language: string; salutation: string | null; organisation: string | null }[];
  /** The appeal's letter templates in the coordinator's order; a letter uses its official's language when one is here, else the first. */
  templates: { id: string; language: string; kind: TemplateKind; subject: string; body: string; version: number }[];
  signed: boolean;
  /** This member's signature, when signed, with its letters. */
  signature: {
    id: string;
    note: string | null;
    signatureStyle: SignatureStyle;
    autoSigned: boolean;
    createdAt: string;
    letters: { officialId: string; status: LetterStatus }[];
  } | null;
}
