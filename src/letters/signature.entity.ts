import type { SignatureStyle } from '../supporters/supporter.entity';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** A note's moderation: null when its appeal did not hold it (or there is no note). */
export const NOTE_STATUSES = ['held', 'approved', 'rejected'] as const;
export type NoteStatus = (typeof NOTE_STATUSES)[number];

@Entity('signatures')
@Unique('signatures_supporter_appeal', ['supporterId', 'appealId'])
export class Signature {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'appeal_id', type: 'uuid' }) appealId: string;
  @Column({ name: 'supporter_id', type: 'uuid' }) supporterId: string;
  @Column({ type: 'text', nullable: true }) note: string | null;
  /** How the supporter chose to sign this appeal; kept so a later change does not rewrite signed letters. */
  @Column({ name: 'signature_style', type: 'text' }) signatureStyle: SignatureStyle;
  /** `rejected`: the note was removed (note is null) and the letters went without it. */
  @Column({ name: 'note_status', type: 'text', nullable: true }) noteStatus: NoteStatus | null;
  @Column({ name: 'decided_by', type: 'uuid', nullable: true }) decidedBy: string | null;
  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true }) decidedAt: Date | null;
  @Column({ name: 'auto_signed', type: 'boolean', default: false }) autoSigned: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
