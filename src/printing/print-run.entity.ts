import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const PRINT_RUN_KINDS = ['letters', 'cards'] as const;
export type PrintRunKind = (typeof PRINT_RUN_KINDS)[number];
export const PRINT_RUN_STATUSES = ['rendering', 'ready', 'posted', 'discarded', 'failed'] as const;
export type PrintRunStatus = (typeof PRINT_RUN_STATUSES)[number];

/** A file of a ready run, as PRINT_DIR/<run id>/<name> holds it. */
export interface PrintRunFile {
  name: string;
  bytes: number;
}

/** One batch of postal letters (or solidarity cards) of an appeal or a cycle. */
@Entity('print_runs')
export class PrintRun {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) kind: PrintRunKind;
  @Column({ name: 'appeal_id', type: 'uuid', nullable: true }) appealId: string | null;
  @Column({ name: 'cycle_id', type: 'uuid', nullable: true }) cycleId: string | null;
  @Column({ type: 'text', default: 'rendering' }) status: PrintRunStatus;
  @Column({ name: 'paper_size', type: 'text' }) paperSize: 'A4' | 'letter';
  /** envelopes.pdf: one DL or C5 envelope per letter, or sheets of address labels. */
  @Column({ type: 'text', default: 'DL' }) envelopes: 'DL' | 'C5' | 'labels';
  /** Letters (or cards) in the run. */
  @Column({ type: 'int', default: 0 }) letters: number;
  /** Pages of letters.pdf (or cards.pdf). */
  @Column({ type: 'int', default: 0 }) pages: number;
  @Column({ type: 'jsonb', default: () => "'[]'" }) files: PrintRunFile[];
  /** A failed run's render error, naming the letter (never a member's data). */
  @Column({ type: 'text', nullable: true }) error: string | null;
  @Column({ name: 'posted_on', type: 'date', nullable: true }) postedOn: string | null;
  @Column({ name: 'started_by', type: 'uuid', nullable: true }) startedBy: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'rendered_at', type: 'timestamptz', nullable: true }) renderedAt: Date | null;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
