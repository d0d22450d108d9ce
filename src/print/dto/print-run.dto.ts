import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { ApiCount, ApiId, ApiTimestamp } from '../../common/api-properties';
import { PRINT_RUN_KINDS, PRINT_RUN_STATUSES } from '../../printing/print-run.entity';
import type { PrintRunKind, PrintRunStatus } from '../../printing/print-run.entity';

export const ENVELOPE_FORMATS = ['DL', 'C5', 'labels'] as const;

export class StartPrintRunDto {
  @ApiPropertyOptional({ format: 'uuid', description: "An appeal: its letters waiting for post (give this or cycleId)" })
  @IsOptional() @IsUUID('all', { message: 'appealId must be a UUID' }) appealId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: "A cycle: the letters of all its appeals waiting for post (give this or appealId)" })
  @IsOptional() @IsUUID('all', { message: 'cycleId must be a UUID' }) cycleId?: string;
  @ApiProperty({ enum: PRINT_RUN_KINDS, description: 'letters to officials, or cards of the approved solidarity messages' })
  @IsIn(PRINT_RUN_KINDS, { message: `kind must be one of ${PRINT_RUN_KINDS.join(', ')}` }) kind: PrintRunKind;
  @ApiPropertyOptional({ enum: ENVELOPE_FORMATS, default: 'DL', description: 'envelopes.pdf: one DL or C5 envelope per letter, or sheets of address labels' })
  @IsOptional() @IsIn(ENVELOPE_FORMATS, { message: `envelopes must be one of ${ENVELOPE_FORMATS.join(', ')}` }) envelopes?: (typeof ENVELOPE_FORMATS)[number];
}

export class PostedDto {
  @ApiProperty({ example: '2026-12-03', description: 'The day the letters were posted (YYYY-MM-DD), not after tomorrow' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'postedOn must be a day as YYYY-MM-DD' }) postedOn: string;
}

export class PrintRunFileView {
  @ApiProperty({ example: 'letters.pdf' }) name: string;
  @ApiProperty({ example: '/api/print-runs/0b6f…/files/letters.pdf', description: 'Coordinators only' }) url: string;
  @ApiCount() bytes: number;
}

export class PrintRunView {
  @ApiId() id: string;
  @ApiProperty({ enum: PRINT_RUN_KINDS }) kind: PrintRunKind;
  @ApiId({ nullable: true }) appealId: string | null;
  @ApiId({ nullable: true }) cycleId: string | null;
  @ApiProperty({ enum: PRINT_RUN_STATUSES }) status: PrintRunStatus;
  @ApiCount({ description: 'Letters (or cards) in the run' }) letters: number;
  @ApiCount({ description: 'Pages of letters.pdf (or cards.pdf); 0 until it is rendered' }) pages: number;
  @ApiProperty({ enum: ['A4', 'letter'] }) paperSize: 'A4' | 'letter';
  @ApiProperty({ enum: ENVELOPE_FORMATS }) envelopes: (typeof ENVELOPE_FORMATS)[number];
  @ApiProperty({ type: [PrintRunFileView], description: 'Empty until the run is ready' }) files: PrintRunFileView[];
  @ApiProperty({ type: String, nullable: true, description: 'A failed run: the render error, naming the letter' }) error: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2026-12-03' }) postedOn: string | null;
  @ApiTimestamp() createdAt: Date;
  @ApiTimestamp({ nullable: true }) renderedAt: Date | null;
}

export class PrintRunsQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all', { message: 'appealId must be a UUID' }) appealId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all', { message: 'cycleId must be a UUID' }) cycleId?: string;
}
