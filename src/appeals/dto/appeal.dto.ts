import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { ApiId, ApiNullable, ApiTimestamp } from '../../common/api-properties';
import { PageQuery } from '../../common/pagination';
import { OneLine, Trim } from '../../common/validation';
import { LetterCountsView } from '../../delivery/dto/letter-counts.dto';
import { LETTER_STATUSES, LetterStatus } from '../../letters/letter.entity';
import { NOTE_STATUSES, NoteStatus } from '../../letters/signature.entity';
import { SIGNATURE_STYLES, SignatureStyle } from '../../supporters/supporter.entity';
import { APPEAL_CHANNELS, APPEAL_MODERATIONS, APPEAL_STATUSES, AppealChannel, AppealModeration, AppealStatus } from '../appeal.entity';

export class CreateAppealDto {
  @IsUUID('all', { message: 'caseId must be a UUID' }) caseId: string;
  @Trim() @IsString() @Length(1, 200) @OneLine() title: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @ArrayUnique() @IsUUID('all', { each: true, message: 'templateIds must hold UUIDs' }) templateIds: string[];
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(200) @ArrayUnique() @IsUUID('all', { each: true, message: 'officialIds must hold UUIDs' }) officialIds: string[];
  @ApiPropertyOptional({ enum: APPEAL_CHANNELS, default: 'email' })
  @IsOptional() @IsIn(APPEAL_CHANNELS, { message: `channel must be one of ${APPEAL_CHANNELS.join(', ')}` }) channel?: AppealChannel;
  @ApiPropertyOptional({ enum: APPEAL_MODERATIONS, default: 'none', description: "Which signers' notes wait for a coordinator before their letters go: none, those containing a link, or all" })
  @IsOptional() @IsIn(APPEAL_MODERATIONS, { message: `moderation must be one of ${APPEAL_MODERATIONS.join(', ')}` }) moderation?: AppealModeration;
  /** The day by which members should sign; shown to them, it closes nothing by itself. */
  @ApiPropertyOptional({ type: String, format: 'date', example: '2026-12-10', description: 'The day by which members should sign (YYYY-MM-DD)' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'deadline must be a date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true }, { message: 'deadline must be a date (YYYY-MM-DD)' })
  deadline?: string;
}

export class SignAppealDto {
  @IsOptional() @IsString() @MaxLength(2000) note?: string;
  @IsOptional() @IsIn(SIGNATURE_STYLES, { message: `signatureStyle must be one of ${SIGNATURE_STYLES.join(', ')}` }) signatureStyle?: SignatureStyle;
}

/** GET /api/appeals: a page, optionally only one status or one case's appeals. */
export class AppealListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: APPEAL_STATUSES })
  @IsOptional() @IsIn(APPEAL_STATUSES, { message: `status must be one of ${APPEAL_STATUSES.join(', ')}` }) status?: AppealStatus;
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID('all', { message: 'caseId must be a UUID' }) caseId?: string;
}

export class AppealView {
  @ApiId() id: string;
  @ApiId() caseId: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: APPEAL_CHANNELS }) channel: AppealChannel;
  @ApiProperty({ enum: APPEAL_MODERATIONS }) moderation: AppealModeration;
  @ApiProperty({ enum: APPEAL_STATUSES }) status: AppealStatus;
  @ApiProperty({ type: [String], format: 'uuid', description: "In the coordinator's order: the first is the letters' fallback language" }) templateIds: string[];
  @ApiProperty({ type: [String], format: 'uuid' }) officialIds: string[];
  @ApiNullable({ format: 'date', description: 'The day by which members should sign (YYYY-MM-DD), null when none' }) deadline: string | null;
  @ApiTimestamp({ nullable: true }) launchedAt: Date | null;
  @ApiTimestamp() createdAt: Date;
  @ApiProperty({ type: LetterCountsView }) letters: LetterCountsView;
}

export class SignatureView {
  @ApiId() id: string;
  @ApiId() appealId: string;
  @ApiId() supporterId: string;
  @ApiNullable({ description: 'null when there was none, or once a coordinator rejected it' }) note: string | null;
  @ApiNullable({ enum: NOTE_STATUSES, description: "The note's moderation: held (its letters wait), approved, rejected (the letters went without it); null when not moderated" }) noteStatus: NoteStatus | null;
  @ApiProperty({ enum: SIGNATURE_STYLES }) signatureStyle: string;
  @ApiTimestamp() createdAt: Date;
}

export class SignatureLetterView {
  @ApiId() id: string;
  @ApiId() officialId: string;
  @ApiProperty({ enum: LETTER_STATUSES }) status: LetterStatus;
}

export class SignatureResult {
  @ApiProperty({ type: SignatureView }) signature: SignatureView;
  @ApiProperty({ type: [SignatureLetterView], description: 'One letter per official of the appeal' }) letters: SignatureLetterView[];
}
