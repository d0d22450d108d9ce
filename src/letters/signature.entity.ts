import type { SignatureStyle } from '../supporters/supporter.entity';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

@Entity('signatures')
@Unique('signatures_supporter_appeal', ['supporterId', 'appealId'])
export class Signature {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'appeal_id', type: 'uuid' }) appealId: string;
  @Column({ name: 'supporter_id', type: 'uuid' }) supporterId: string;
  @Column({ type: 'text', nullable: true }) note: string | null;
  /** How the supporter chose to sign this appeal; kept so a later change does not rewrite signed letters. */
  @Column({ name: 'signature_style', type: 'text' }) signatureStyle: SignatureStyle;
  @Column({ name: 'auto_signed', type: 'boolean', default: false }) autoSigned: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
