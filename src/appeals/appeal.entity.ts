import { Column, CreateDateColumn, Entity, JoinTable, ManyToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Official } from '../officials/official.entity';
import type { Template } from '../templates/template.entity';

export const APPEAL_STATUSES = ['draft', 'open', 'paused', 'cancelled', 'closed'] as const;
export type AppealStatus = (typeof APPEAL_STATUSES)[number];
/** How an appeal's letters travel: by email, on paper, or by email where the official has an address and on paper otherwise. */
export const APPEAL_CHANNELS = ['email', 'post', 'email-then-post'] as const;
export type AppealChannel = (typeof APPEAL_CHANNELS)[number];

/** Whether an official can be written to on this channel: `email` needs an email, `post` a postal address, `email-then-post` either. */
export function reachableOn(channel: AppealChannel, official: { email: string | null; postalAddress: string | null }): boolean {
  if (channel === 'email') return Boolean(official.email);
  if (channel === 'post') return Boolean(official.postalAddress);
  return Boolean(official.email) || Boolean(official.postalAddress);
}

/** The words a refusal uses for what an official lacks on a channel. */
export const CHANNEL_NEEDS: Record<AppealChannel, string> = {
  email: 'no email address for the email channel',
  post: 'no postal address for the post channel',
  'email-then-post': 'neither an email nor a postal address for the email-then-post channel',
};

/** Which signers' notes wait for a coordinator before their letters go: none, those with a link, or all. */
export const APPEAL_MODERATIONS = ['none', 'links', 'all'] as const;
export type AppealModeration = (typeof APPEAL_MODERATIONS)[number];

@Entity('appeals')
export class Appeal {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ type: 'text' }) title: string;
  @Column({ type: 'text', default: 'email' }) channel: AppealChannel;
  @Column({ type: 'text', default: 'draft' }) status: AppealStatus;
  @Column({ type: 'text', default: 'none' }) moderation: AppealModeration;
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
