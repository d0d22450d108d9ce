import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

export const LETTER_STATUSES = ['queued', 'sending', 'sent', 'failed', 'unknown', 'cancelled', 'bounced'] as const;
export type LetterStatus = (typeof LETTER_STATUSES)[number];

@Entity('letters')
@Unique('letters_appeal_supporter_official', ['appealId', 'supporterId', 'officialId'])
export class Letter {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'appeal_id', type: 'uuid' }) appealId: string;
  @Column({ name: 'supporter_id', type: 'uuid', nullable: true }) supporterId: string | null;
  @Column({ name: 'official_id', type: 'uuid' }) officialId: string;
  @Column({ name: 'signature_id', type: 'uuid' }) signatureId: string;
  @Column({ type: 'text', default: 'queued' }) status: LetterStatus;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ name: 'smtp_response', type: 'text', nullable: true }) smtpResponse: string | null;
  @Column({ name: 'message_id', type: 'text', nullable: true }) messageId: string | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  @Column({ name: 'claimed_at', type: 'timestamptz', nullable: true }) claimedAt: Date | null;
  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true }) sentAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
