import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { hashPassword, verifyPassword } from '../common/auth/password';
import type { Caller } from '../common/auth/current-supporter.decorator';
import { DomainError } from '../common/errors';
import { AuditLogService } from '../database/audit-log.service';
import { MemberMailQueue } from '../delivery/member-mail.queue';
import { SupporterView } from '../supporters/dto/supporter.dto';
import { PasswordTokensRepository } from '../supporters/password-tokens.repository';
import { Supporter } from '../supporters/supporter.entity';
import { SupportersService } from '../supporters/supporters.service';
import { StaffSessionsService } from './staff-sessions.service';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

/** A new password's problems, by field: empty when it is acceptable. */
export function passwordProblems(password: string, repeat: string): Record<string, string> {
  if (password.length < MIN_PASSWORD_LENGTH) return { password: 'password_short' };
  if (password.length > MAX_PASSWORD_LENGTH) return { password: 'password_long' };
  if (password !== repeat) return { passwordRepeat: 'password_mismatch' };
  return {};
}

/**
 * Staff accounts' passwords: a reset by an emailed single-use link, an admin's invitation of
 * a coordinator (an account with no password and a link to set one), and a staff member
 * changing their own. Links are made and mailed by the worker (a job of ids only); setting a
 * password through one uses it up and ends the account's sessions.
 */
@Injectable()
export class StaffAccountsService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(SupportersService) private readonly supporters: SupportersService,
    @Inject(PasswordTokensRepository) private readonly tokens: PasswordTokensRepository,
    @Inject(MemberMailQueue) private readonly mail: MemberMailQueue,
    @Inject(StaffSessionsService) private readonly sessions: StaffSessionsService,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
  ) {}

  /** Queues a reset link if the email is an active staff account's; the caller answers the same either way. */
  async requestReset(email: string): Promise<void> {
    const [account] = await this.db.query<{ id: string }[]>(`SELECT id FROM supporters WHERE email = $1 AND active AND role IN ('coordinator', 'admin')`, [
      email.trim().toLowerCase(),
    ]);
    if (account) await this.mail.enqueue('password-reset', null, [account.id]);
  }

  /** Whether a link still sets a password (unused, unexpired). */
  async linkWorks(token: string): Promise<boolean> {
    return (await this.tokens.findLive(token)) !== null;
  }

  /** Sets the password through a link, once; ends every session of the account. False when the link is used, expired or unknown. */
  async resetWith(token: string, password: string): Promise<boolean> {
    const hash = await hashPassword(password);
    const supporterId = await this.db.transaction(async (manager) => {
      const id = await this.tokens.use(manager, token);
      if (id) await manager.update(Supporter, { id }, { passwordHash: hash });
      return id;
    });
    if (!supporterId) return false;
    await this.sessions.endAllOf(supporterId);
    return true;
  }

  /** An admin invites a coordinator: the account, with no password, and a mailed link to set one. */
  async invite(caller: Caller, input: { email: string; name: string; country: string; language?: string }): Promise<SupporterView> {
    if (caller.role !== 'admin') throw new DomainError('supporter_admin_only', 'Only an admin invites staff');
    const account = await this.supporters.create(caller, { ...input, role: 'coordinator' });
    await this.audit.record({ actorId: caller.id, action: 'staff.invite', subjectType: 'supporter', subjectId: account.id });
    await this.mail.enqueue('staff-invitation', null, [account.id]);
    return account;
  }

  /** A staff member's own password, given the current one; their other sessions end. False when the current one is wrong. */
  async changeOwn(caller: Caller, current: string, password: string, request: Request): Promise<boolean> {
    const supporter = await this.db.manager.findOne(Supporter, { where: { id: caller.id } });
    if (!supporter || !(await verifyPassword(current, supporter.passwordHash))) return false;
    await this.db.manager.update(Supporter, { id: caller.id }, { passwordHash: await hashPassword(password) });
    await this.sessions.endAllOf(caller.id, request);
    return true;
  }
}
