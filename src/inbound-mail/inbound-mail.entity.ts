import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const INBOUND_MAIL_KINDS = ['bounce', 'delay', 'complaint', 'reply', 'unreadable', 'ignored'] as const;
/**
 * What one received message was: a DSN's `bounce` (5.x.x) or `delay` (4.x.x), an ARF
 * `complaint`, a `reply` to a letter, `unreadable` (not MIME, no tag, garbage: raw kept for
 * review) or `ignored` (readable but naming nothing we sent: a forged or unknown tag).
 */
export type InboundMailKind = (typeof INBOUND_MAIL_KINDS)[number];

@Entity('inbound_mail')
export class InboundMail {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'received_at', type: 'timestamptz' }) receivedAt: Date;
  @Column({ type: 'text' }) kind: InboundMailKind;
  @Column({ name: 'letter_id', type: 'uuid', nullable: true }) letterId: string | null;
  @Column({ name: 'supporter_id', type: 'uuid', nullable: true }) supporterId: string | null;
  @Column({ name: 'case_id', type: 'uuid', nullable: true }) caseId: string | null;
  @Column({ name: 'official_id', type: 'uuid', nullable: true }) officialId: string | null;
  /** A DSN's `Status:` (`5.1.1`). */
  @Column({ name: 'status_code', type: 'text', nullable: true }) statusCode: string | null;
  @Column({ type: 'text', nullable: true }) diagnostic: string | null;
  @Column({ name: 'from_address', type: 'text', nullable: true }) fromAddress: string | null;
  @Column({ type: 'text', nullable: true }) subject: string | null;
  /** A reply's text (bounded). */
  @Column({ name: 'body_text', type: 'text', nullable: true }) bodyText: string | null;
  /** The message as received, for the unreadable ones (bounded by INBOUND_MAX_BYTES). */
  @Column({ type: 'bytea', nullable: true }) raw: Buffer | null;
  /** What the message changed, once: a second report of the same thing finds it taken. */
  @Column({ name: 'effect_key', type: 'text', nullable: true }) effectKey: string | null;
  /** The case event a coordinator made of a reply. */
  @Column({ name: 'case_event_id', type: 'uuid', nullable: true }) caseEventId: string | null;
  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true }) reviewedAt: Date | null;
}
