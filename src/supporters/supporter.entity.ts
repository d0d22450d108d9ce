import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Role } from '../common/auth/roles';

export const SIGNATURE_STYLES = ['full', 'initials', 'anonymous'] as const;
export type SignatureStyle = (typeof SIGNATURE_STYLES)[number];

@Entity('supporters')
export class Supporter {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** Stored lower-cased; unique. */
  @Column({ type: 'text', unique: true }) email: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'char', length: 2 }) country: string;
  @Column({ type: 'text', nullable: true }) city: string | null;
  @Column({ type: 'text', default: 'en' }) language: string;
  @Column({ type: 'text', default: 'member' }) role: Role;
  @Column({ name: 'password_hash', type: 'text', nullable: true }) passwordHash: string | null;
  @Column({ name: 'auto_sign', type: 'boolean', default: false }) autoSign: boolean;
  @Column({ name: 'signature_style', type: 'text', default: 'full' }) signatureStyle: SignatureStyle;
  @Column({ type: 'boolean', default: true }) active: boolean;
  @Column({ name: 'consent_version', type: 'text', nullable: true }) consentVersion: string | null;
  @Column({ name: 'consented_at', type: 'timestamptz', nullable: true }) consentedAt: Date | null;
  /** Null until a public signup clicks its confirmation: no letter goes in their name before. */
  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true }) confirmedAt: Date | null;
  @Column({ name: 'unsubscribed_at', type: 'timestamptz', nullable: true }) unsubscribedAt: Date | null;
  /** A 5.x.x bounce of member mail: no more mail to this address; a trigger clears it when the email changes. */
  @Column({ name: 'email_undeliverable_at', type: 'timestamptz', nullable: true }) emailUndeliverableAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
