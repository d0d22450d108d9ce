import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const MESSAGE_STATUSES = ['held', 'approved', 'rejected', 'printed', 'posted'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * A member's short message of solidarity to the person in a case (or their family): held
 * until a coordinator approves or rejects it; approved ones are printed on cards by a
 * `cards` print run (`printed` when the run is ready, `posted` with it).
 */
@Entity('messages')
export class Message {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  /** null once the member erased their data (the message stays, unsigned). */
  @Column({ name: 'supporter_id', type: 'uuid', nullable: true }) supporterId: string | null;
  @Column({ type: 'text' }) text: string;
  /** The language the member wrote from (their page's): the card's fixed phrases. */
  @Column({ type: 'text', default: 'en' }) language: string;
  @Column({ type: 'text', default: 'held' }) status: MessageStatus;
  @Column({ name: 'print_run_id', type: 'uuid', nullable: true }) printRunId: string | null;
  @Column({ name: 'decided_by', type: 'uuid', nullable: true }) decidedBy: string | null;
  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true }) decidedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

/** A message of solidarity decided and done with: rejected, or on a card already (approved ones still wait to be printed). */
export const DONE_MESSAGE_STATUSES = ['rejected', 'printed', 'posted'] as const;
