import { Inject, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/errors';
import { LettersRepository } from '../letters/letters.repository';
import { SupportersRepository } from '../supporters/supporters.repository';
import { SignupDto, SignupInput } from './dto/signup.dto';
import { LinkInvalidError } from '../supporters/member-errors';
import { MemberMailQueue } from '../delivery/member-mail.queue';
import { MemberTokenService } from '../supporters/member-token.service';

/**
 * Joining and leaving, for the public API and the pages built on it.
 *
 *   signup(input: SignupInput): Promise<void>
 *       Stores a new member, unconfirmed, with the consent text's version and the time, and
 *       queues a confirmation email (link: PUBLIC_URL/join/confirm/<token>, valid 7 days).
 *       Answers alike whether or not the email is known (a known address is not changed,
 *       except a pending signup, which is refreshed and mailed again). A DomainError (signup_invalid, 400)
 *       names every bad field; consent must be literally true.
 *   confirm(token: string): Promise<{ confirmed: true }>
 *       Confirms the member the link was sent to (again: no change). A member who had
 *       unsubscribed and signed up again is subscribed again. LinkInvalidError (404) for a
 *       tampered, expired or foreign token.
 *   unsubscribe(token: string): Promise<{ unsubscribed: true }>
 *       One click, idempotent: no later invitation, reminder or auto-signed letter goes out
 *       for the member, and their auto-signed letters still queued are cancelled.
 *       LinkInvalidError (404) for a tampered or foreign token.
 */
@Injectable()
export class MembersService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(MemberTokenService) private readonly tokens: MemberTokenService,
    @Inject(MemberMailQueue) private readonly mailQueue: MemberMailQueue,
    @Inject(SupportersRepository) private readonly supporters: SupportersRepository,
    @Inject(LettersRepository) private readonly letters: LettersRepository,
  ) {}

  async signup(input: SignupInput): Promise<void> {
    const member = plainToInstance(SignupDto, input);
    const problems = await validate(member, { whitelist: true, forbidNonWhitelisted: true });
    if (problems.length > 0) throw new DomainError('signup_invalid', problems.flatMap((problem) => Object.values(problem.constraints ?? {})));
    // A new address becomes a pending member. A pending one is refreshed; one that left
    // records the new consent and stays out until the link is clicked; any other (a member,
    // staff) is left as it is and mailed nothing.
    const pending = await this.supporters.signUp({
      email: member.email,
      name: member.name,
      country: member.country,
      city: member.city ?? null,
      language: member.language ?? 'en',
      consentVersion: member.consentVersion,
    });
    if (pending) await this.mailQueue.enqueue('confirmation', null, [pending]);
  }

  async confirm(token: string): Promise<{ confirmed: true }> {
    const claims = this.tokens.verify('confirm', token);
    if (!claims) throw new LinkInvalidError('confirm');
    if (!(await this.supporters.confirm(claims.supporterId))) throw new LinkInvalidError('confirm');
    return { confirmed: true };
  }

  async unsubscribe(token: string): Promise<{ unsubscribed: true }> {
    const claims = this.tokens.verify('unsubscribe', token);
    if (!claims) throw new LinkInvalidError('unsubscribe');
    await this.db.transaction(async (manager) => {
      await this.supporters.unsubscribe(manager, claims.supporterId);
      await this.letters.cancelQueuedAutoSigned(manager, claims.supporterId);
    });
    return { unsubscribed: true };
  }
}
