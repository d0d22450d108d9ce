import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { TemplateKind } from './template-engine';

@Entity('templates')
export class Template {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) kind: TemplateKind;
  @Column({ type: 'text' }) language: string;
  @Column({ type: 'text' }) subject: string;
  @Column({ type: 'text' }) body: string;
  /** The current version (its text is also in template_versions): a new number whenever subject or body change. */
  @Column({ type: 'int', default: 1 }) version: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
