import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('officials')
export class Official {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) title: string;
  @Column({ type: 'text', nullable: true }) salutation: string | null;
  @Column({ type: 'text', nullable: true }) organisation: string | null;
  @Column({ type: 'char', length: 2 }) country: string;
  @Column({ type: 'text', nullable: true }) email: string | null;
  @Column({ name: 'postal_address', type: 'text', nullable: true }) postalAddress: string | null;
  @Column({ type: 'text' }) language: string;
  @Column({ type: 'text', nullable: true }) timezone: string | null;
  @Column({ name: 'max_letters_per_hour', type: 'int', nullable: true }) maxLettersPerHour: number | null;
  /** Office hours in the official's timezone: letters wait outside them. */
  @Column({ name: 'office_hours_start', type: 'time', nullable: true }) officeHoursStart: string | null;
  @Column({ name: 'office_hours_end', type: 'time', nullable: true }) officeHoursEnd: string | null;
  /** ISO weekdays (1 = Monday) the office is open; null means every day. */
  @Column({ name: 'office_days', type: 'smallint', array: true, nullable: true }) officeDays: number[] | null;
  /** Set by the inbound listener (a bounce, a complaint) for a coordinator to look at; cleared by POST /api/officials/:id/unflag. */
  @Column({ name: 'flagged_at', type: 'timestamptz', nullable: true }) flaggedAt: Date | null;
  @Column({ name: 'flag_reason', type: 'text', nullable: true }) flagReason: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
