import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { CaseEvent } from './case-event.entity';

export const CASE_STATUSES = ['detained', 'on-trial', 'sentenced', 'at-risk', 'released', 'deceased'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const CASE_GENDERS = ['female', 'male'] as const;
export type CaseGender = (typeof CASE_GENDERS)[number];
/** The case's fields a coordinator translates; the case's own fields are in English. */
export const TRANSLATED_FIELDS = ['name', 'profession', 'summary', 'charges'] as const;
export type TranslatedField = (typeof TRANSLATED_FIELDS)[number];
export type CaseTranslation = Partial<Record<TranslatedField, string>>;
/** Keyed by two-letter language code. */
export type CaseTranslations = Record<string, CaseTranslation>;

@Entity('cases')
export class Case {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'char', length: 2 }) country: string;
  @Column({ type: 'text', nullable: true }) profession: string | null;
  @Column({ type: 'text' }) status: CaseStatus;
  @Column({ type: 'text' }) summary: string;
  @Column({ name: 'detained_on', type: 'date', nullable: true }) detainedOn: string | null;
  @Column({ type: 'text', nullable: true }) charges: string | null;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) tags: string[];
  @Column({ type: 'text', nullable: true }) gender: CaseGender | null;
  @Column({ type: 'jsonb', default: () => "'{}'" }) translations: CaseTranslations;
  @OneToMany('CaseEvent', (event: CaseEvent) => event.case) events?: CaseEvent[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
