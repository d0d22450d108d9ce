import { Inject, Injectable } from '@nestjs/common';
import { isEmail } from 'class-validator';
import { DataSource } from 'typeorm';
import { DomainError, NotFoundError } from '../common/errors';
import { Page } from '../common/pagination';
import { AuditLogService } from '../database/audit-log.service';
import { SuppressionsRepository } from '../letters/suppressions.repository';
import { SuppressionView, toSuppressionView } from './dto/inbound.dto';

/** Suppressed officials' addresses: listed for coordinators, lifted by one (in the audit log). */
@Injectable()
export class SuppressionsService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(SuppressionsRepository) private readonly suppressions: SuppressionsRepository,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
  ) {}

  async list(page: number, limit: number): Promise<Page<SuppressionView>> {
    const { rows, total } = await this.suppressions.page(page, limit);
    return { items: rows.map(toSuppressionView), total, page, limit };
  }

  /** Letters may go to the address again. The audit log keeps the reason, not the address (it holds ids and counts only). */
  async lift(address: string, actorId: string): Promise<SuppressionView> {
    if (!isEmail(address)) throw new DomainError('suppression_invalid', 'address: must be an email address');
    return this.db.transaction(async (manager) => {
      const lifted = await this.suppressions.lift(manager, address);
      if (!lifted) throw new NotFoundError('Suppression');
      await this.audit.record({ actorId, action: 'suppression.lift', subjectType: 'suppression', detail: { reason: lifted.reason, officialIds: lifted.officialIds } }, manager);
      return toSuppressionView(lifted);
    });
  }
}
