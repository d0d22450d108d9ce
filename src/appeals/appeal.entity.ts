import { Column, CreateDateColumn, Entity, JoinTable, ManyToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Official } from '../officials/official.entity';
import type { Template } from '../templates/template.entity';

export const APPEAL_STATUSES = ['draft', 'open', 'paused', 'cancelled', 'closed'] as const;
export type AppealStatus = (typeof APPEAL_STATUSES)[number];

@Entity('appeals')
export class Appeal {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ type: 'text' }) title: string;
  @Column({ type: 'text', default: 'email' }) channel: 'email';
  @Column({ type: 'text', default: 'draft' }) status: AppealStatus;
  @ManyToMany('Template') @JoinTable({ name: 'appeal_templates', joinColumn: { name: 'appeal_id' }, inverseJoinColumn: { name: 'template_id' } })
  templates?: Template[];
  @ManyToMany('Official') @JoinTable({ name: 'appeal_officials', joinColumn: { name: 'appeal_id' }, inverseJoinColumn: { name: 'official_id' } })
  officials?: Official[];
  /** The day by which members should sign (YYYY-MM-DD), or none. */
  @Column({ type: 'date', nullable: true }) deadline: string | null;
  @Column({ name: 'launched_at', type: 'timestamptz', nullable: true }) launchedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
