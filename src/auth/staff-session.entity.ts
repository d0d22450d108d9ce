import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One signed-in staff member's browser: only the SHA-256 of the cookie's token is kept. */
@Entity('staff_sessions')
export class StaffSession {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'token_hash', type: 'bytea', unique: true }) tokenHash: Buffer;
  @Column({ name: 'supporter_id', type: 'uuid' }) supporterId: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'last_seen_at', type: 'timestamptz' }) lastSeenAt: Date;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt: Date;
}
