import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CaseStatus } from '../cases/case.entity';
import { CasesRepository } from '../cases/cases.repository';
import { DomainError, NotFoundError } from '../common/errors';
import { Page } from '../common/pagination';
import { AuditLogService } from '../database/audit-log.service';
import type { MessageStatus } from '../messages/message.entity';
import { messageProblemText, messageTextProblems, MessageTextProblem, normalMessageText } from '../messages/message-text';
import { MessageDecision, MessagesRepository } from '../messages/messages.repository';
import { MessageView, ModeratedMessageView, toMessageView, toModeratedMessageView } from './dto/message.dto';

/** A case that ended takes no more messages: there is no one in prison to send a card to. */
const ENDED: readonly CaseStatus[] = ['released', 'deceased'];

/** A text the rules refuse: the API's 400 names each problem; the signing page says them in the member's words. */
export class MessageTextError extends DomainError {
  constructor(readonly problems: MessageTextProblem[]) {
    super('message_invalid', problems.map(messageProblemText));
  }
}

/**
 * Members' messages of solidarity: written by a member to a case that accepts them, held
 * until a coordinator approves or rejects each (approved ones wait for a cards print run;
 * rejected ones are never printed). The API and the pages (signing page, console) call these.
 */
@Injectable()
export class ModerationService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(MessagesRepository) private readonly messages: MessagesRepository,
    @Inject(CasesRepository) private readonly cases: CasesRepository,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
  ) {}

  /** A member writes to the person in a case: the message is held for moderation. One held message per member and case at a time. */
  async write(caseId: string, supporterId: string, rawText: string): Promise<MessageView> {
    const record = await this.cases.messagingOf(caseId);
    if (!record) throw new NotFoundError('Case');
    if (!record.acceptsMessages) throw new DomainError('messages_not_accepted', 'This case does not accept messages');
    if (ENDED.includes(record.status)) throw new DomainError('messages_not_accepted', `This case is ${record.status}: it takes no more messages`);
    const text = normalMessageText(rawText);
    const problems = messageTextProblems(text);
    if (problems.length > 0) throw new MessageTextError(problems);
    const row = await this.messages.insertHeld(caseId, supporterId, text);
    if (!row) throw new DomainError('message_pending', 'You have a message for this case waiting for moderation: you may write another once it is decided');
    return toMessageView(row);
  }

  /** A case's messages, oldest first, of one status or all. */
  async list(caseId: string, status: MessageStatus | undefined, page: number, limit: number): Promise<Page<ModeratedMessageView>> {
    if (!(await this.cases.exists(caseId))) throw new NotFoundError('Case');
    const { rows, total } = await this.messages.pageOfCase(caseId, status, page, limit);
    return { items: rows.map(toModeratedMessageView), total, page, limit };
  }

  /** A case's messages counted by status. */
  async counts(caseId: string): Promise<Record<MessageStatus, number>> {
    return this.messages.countsOfCase(caseId);
  }

  /** Approves or rejects one held message; a message decided already is a conflict (409), an unknown one 404. */
  async decide(id: string, decision: MessageDecision, actorId: string): Promise<ModeratedMessageView> {
    const decided = await this.decideHeld([id], decision, actorId);
    if (decided.length === 0) {
      const row = await this.messages.find(id);
      if (!row) throw new NotFoundError('Message');
      throw new DomainError('message_decided', `The message is ${row.status} already: only a held message is approved or rejected`);
    }
    return toModeratedMessageView((await this.messages.find(id))!);
  }

  /**
   * Approves or rejects the held messages of `ids` that belong to the case, in one
   * transaction; those decided meanwhile (or of another case) are skipped and counted.
   */
  async decideMany(caseId: string, ids: readonly string[], decision: MessageDecision, actorId: string): Promise<{ decided: number; skipped: number }> {
    if (!(await this.cases.exists(caseId))) throw new NotFoundError('Case');
    const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
    const decided = await this.decideHeld(unique, decision, actorId, caseId);
    return { decided: decided.length, skipped: unique.length - decided.length };
  }

  /** Cases with messages waiting, most first (the console's home). */
  async heldByCase(limit: number): Promise<{ caseId: string; caseName: string; held: number }[]> {
    return this.messages.heldByCase(limit);
  }

  /** The decision and its audit entries (ids only), committed together. */
  private decideHeld(ids: readonly string[], decision: MessageDecision, actorId: string, caseId?: string): Promise<{ id: string; caseId: string }[]> {
    return this.db.transaction(async (manager) => {
      const decided = await this.messages.decideHeld(manager, ids, decision, actorId, caseId);
      for (const message of decided) {
        await this.audit.record({ actorId, action: decision === 'approved' ? 'message.approve' : 'message.reject', subjectType: 'message', subjectId: message.id, detail: { caseId: message.caseId } }, manager);
      }
      return decided;
    });
  }
}
