import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CaseEventView, toCaseEventView } from '../cases/dto/case.dto';
import { CasesRepository } from '../cases/cases.repository';
import { DomainError, NotFoundError } from '../common/errors';
import { Page } from '../common/pagination';
import { InboundMailRepository, ReplyRow } from '../inbound-mail/inbound-mail.repository';
import { ReplyView, toReplyView } from './dto/inbound.dto';

/** The event kind a reply becomes on a case's timeline. */
export const REPLY_EVENT_KIND = 'official-reply';

/** Officials' replies as coordinators read them on a case, and the timeline event a coordinator makes of one. */
@Injectable()
export class RepliesService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(InboundMailRepository) private readonly inbound: InboundMailRepository,
    @Inject(CasesRepository) private readonly cases: CasesRepository,
  ) {}

  async list(caseId: string, page: number, limit: number): Promise<Page<ReplyView>> {
    if (!(await this.cases.exists(caseId))) throw new NotFoundError('Case');
    const { rows, total } = await this.inbound.pageOfCaseReplies(caseId, page, limit);
    return { items: rows.map(toReplyView), total, page, limit };
  }

  /** Adds a reply to its case's timeline, once (the reply is locked, so two coordinators at once make one event). */
  async addToTimeline(caseId: string, replyId: string, description?: string): Promise<CaseEventView> {
    return this.db.transaction(async (manager) => {
      const reply = await this.inbound.lockReplyOfCase(manager, caseId, replyId);
      if (!reply) throw new NotFoundError('Reply');
      if (reply.caseEventId) throw new DomainError('reply_event_exists', 'This reply is on the timeline already');
      const event = await this.cases.insertEvent(manager, caseId, {
        occurredOn: new Date(reply.receivedAt).toISOString().slice(0, 10),
        kind: REPLY_EVENT_KIND,
        description: description ?? describe(reply),
        sourceUrl: null,
      });
      await this.inbound.setCaseEvent(manager, reply.id, event.id);
      return toCaseEventView(event);
    });
  }
}

/** "Reply from <official>: <subject>", then the text's first lines, bounded. */
function describe(reply: ReplyRow): string {
  const head = `Reply from ${reply.officialName ?? 'an official'}${reply.subject ? `: ${reply.subject}` : ''}`;
  const text = (reply.text ?? '').trim().replace(/\n{3,}/g, '\n\n');
  return (text ? `${head}\n\n${text}` : head).slice(0, 2000);
}
