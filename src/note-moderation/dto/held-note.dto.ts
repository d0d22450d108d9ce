import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsUUID } from 'class-validator';
import { ApiCount, ApiId, ApiNullable, ApiTimestamp } from '../../common/api-properties';
import { NOTE_STATUSES, NoteStatus } from '../../letters/signature.entity';
import type { HeldNoteRow } from '../../letters/signatures.repository';
import { SIGNATURE_STYLES, SignatureStyle } from '../../supporters/supporter.entity';

/** A held note as coordinators moderate it: never the signer's name or email. */
export class HeldNoteView {
  @ApiId({ description: 'The signature' }) id: string;
  @ApiProperty() note: string;
  @ApiTimestamp() createdAt: Date;
  @ApiProperty({ enum: SIGNATURE_STYLES }) signatureStyle: SignatureStyle;
  @ApiCount({ description: 'Its letters waiting as held, one per official' }) letters: number;
}

/** A signature's note after a decision. */
export class NoteDecisionView {
  @ApiId({ description: 'The signature' }) id: string;
  @ApiId() appealId: string;
  @ApiNullable({ enum: NOTE_STATUSES }) noteStatus: NoteStatus | null;
  @ApiNullable({ format: 'uuid', description: 'The coordinator who decided' }) decidedBy: string | null;
  @ApiNullable({ format: 'date-time' }) decidedAt: Date | null;
  @ApiCount({ description: 'Letters released from held to queued by this decision' }) released: number;
}

/** Several held notes of one appeal decided at once (the console's "approve selected"). */
export class DecideNotesDto {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(500) @IsUUID('all', { each: true, message: 'ids must be signature ids' }) ids: string[];
}

export function toHeldNoteView(row: HeldNoteRow): HeldNoteView {
  const { id, note, createdAt, signatureStyle, letters } = row;
  return { id, note, createdAt, signatureStyle, letters };
}
