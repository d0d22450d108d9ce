import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

export const LETTER_STATUSES = ['queued', 'held', 'sending', 'sent', 'failed', 'unknown', 'cancelled', 'bounced', 'printed', 'posted'] as const;
export type LetterStatus = (typeof LETTER_STATUSES)[number];
/** A letter in one of these statuses will not be rendered or sent again: its links may go (RETENTION_DAYS). */
export const FINAL_LETTER_STATUSES: readonly LetterStatus[] = ['sent', 'failed', 'unknown', 'cancelled', 'bounced', 'posted'];

@Entity('letters')
@Unique('letters_supporter_appeal_official', ['supporterId', 'appealId', 'officialId'])
export class Letter {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'appeal_id', type: 'uuid' }) appealId: string;
  @Column({ name: 'supporter_id', type: 'uuid', nullable: true }) supporterId: string | null;
  @Column({ name: 'official_id', type: 'uuid' }) officialId: string;
  @Column({ name: 'signature_id', type: 'uuid' }) signatureId: string;
  /** The queue's unit: job `letters-<batchId>` carries this batch's ids. */
  @Column({ name: 'batch_id', type: 'bigint' }) batchId: string;
  @Column({ type: 'text', default: 'queued' }) status: LetterStatus;
  @Column({ type: 'int', default: 0 }) attempts: number;
  /** null: the appeal's channel; `post` once an `email-then-post` letter's address was refused. */
  @Column({ type: 'text', nullable: true }) channel: 'post' | null;
  /** The print run that holds it (from the run's start; cleared when the run fails or is discarded). */
  @Column({ name: 'print_run_id', type: 'uuid', nullable: true }) printRunId: string | null;
  @Column({ name: 'smtp_response', type: 'text', nullable: true }) smtpResponse: string | null;
  @Column({ name: 'message_id', type: 'text', nullable: true }) messageId: string | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  /** The worker process that claimed it; a dead worker's claims are taken over. */
  @Column({ name: 'claimed_by', type: 'text', nullable: true }) claimedBy: string | null;
  @Column({ name: 'claimed_at', type: 'timestamptz', nullable: true }) claimedAt: Date | null;
  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true }) sentAt: Date | null;
  /** A 4.x.x delivery status notification: the receiving side still tries (the letter stays `sent`). */
  @Column({ name: 'delayed_at', type: 'timestamptz', nullable: true }) delayedAt: Date | null;
  @Column({ name: 'delay_status', type: 'text', nullable: true }) delayStatus: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
