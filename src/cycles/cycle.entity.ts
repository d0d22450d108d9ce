import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const CYCLE_STATUSES = ['draft', 'open', 'closed'] as const;
export type CycleStatus = (typeof CYCLE_STATUSES)[number];

/**
 * The month's bundle of appeals. Its appeals (in order) are rows of `cycle_appeals`; who was
 * invited and reminded, rows of `cycle_invitations`: both are written with set-based SQL.
 */
@Entity('cycles')
export class Cycle {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** YYYY-MM. */
  @Column({ type: 'char', length: 7 }) month: string;
  @Column({ type: 'text' }) title: string;
  @Column({ type: 'text', default: 'draft' }) status: CycleStatus;
  @Column({ name: 'reminder_after_days', type: 'int', nullable: true }) reminderAfterDays: number | null;
  @Column({ name: 'opened_at', type: 'timestamptz', nullable: true }) openedAt: Date | null;
  /** When the reminder round began (by the coordinator or the timer); each member is reminded at most once. */
  @Column({ name: 'reminded_at', type: 'timestamptz', nullable: true }) remindedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
