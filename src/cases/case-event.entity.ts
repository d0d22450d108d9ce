import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Case } from './case.entity';

@Entity('case_events')
export class CaseEvent {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @ManyToOne('Case', (c: Case) => c.events, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'case_id' }) case?: Case;
  @Column({ name: 'occurred_on', type: 'date' }) occurredOn: string;
  @Column({ type: 'text' }) kind: string;
  @Column({ type: 'text' }) description: string;
  @Column({ name: 'source_url', type: 'text', nullable: true }) sourceUrl: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
