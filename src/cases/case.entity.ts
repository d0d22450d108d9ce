import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { CaseEvent } from './case-event.entity';

export const CASE_STATUSES = ['detained', 'on-trial', 'sentenced', 'at-risk', 'released', 'deceased'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
/** `high`: letters for the case never carry a signer's full name or city (initials or anonymous only). */
export const CASE_RISKS = ['normal', 'high'] as const;
export type CaseRisk = (typeof CASE_RISKS)[number];
export const CASE_GENDERS = ['female', 'male'] as const;
export type CaseGender = (typeof CASE_GENDERS)[number];
/** The case's fields a coordinator translates; the case's own fields are in English. */
export const TRANSLATED_FIELDS = ['name', 'profession', 'summary', 'charges'] as const;
export type TranslatedField = (typeof TRANSLATED_FIELDS)[number];
export type CaseTranslation = Partial<Record<TranslatedField, string>>;
/** Keyed by two-letter language code. */
export type CaseTranslations = Record<string, CaseTranslation>;

/** A case as its letters are rendered from it (letter-context.ts), read as JSON: dates YYYY-MM-DD. */
export interface CaseOfLetters {
  id: string;
  name: string;
  country: string;
  profession: string | null;
  status: CaseStatus;
  summary: string;
  charges: string | null;
  /** YYYY-MM-DD. */
  detainedOn: string | null;
  gender: CaseGender | null;
  translations: CaseTranslations;
  /** high: initials or anonymous only. */
  risk: CaseRisk;
}

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
  /** Members may write a message of solidarity to the person (held for moderation, printed on cards). */
  @Column({ name: 'accepts_messages', type: 'boolean', default: false }) acceptsMessages: boolean;
  /** Where cards go (a prison address with the prisoner's number): lines as printed, no country. Coordinators only. */
  @Column({ name: 'message_address', type: 'text', nullable: true }) messageAddress: string | null;
  /** ISO 3166 alpha-2 of the message address; null: the case's country. */
  @Column({ name: 'message_country', type: 'char', length: 2, nullable: true }) messageCountry: string | null;
  @Column({ type: 'text', default: 'normal' }) risk: CaseRisk;
  @OneToMany('CaseEvent', (event: CaseEvent) => event.case) events?: CaseEvent[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
