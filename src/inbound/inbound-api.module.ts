import { Module } from '@nestjs/common';
import { CasesRepository } from '../cases/cases.repository';
import { AuditLogService } from '../database/audit-log.service';
import { InboundMailModule } from '../inbound-mail/inbound-mail.module';
import { LettersModule } from '../letters/letters.module';
import { RepliesController } from './replies.controller';
import { RepliesService } from './replies.service';
import { SuppressionsController } from './suppressions.controller';
import { SuppressionsService } from './suppressions.service';

/** The inbound API for coordinators: a case's replies (and their timeline events), suppressed addresses. Served by HTTP roles. */
@Module({
  imports: [InboundMailModule, LettersModule],
  controllers: [RepliesController, SuppressionsController],
  providers: [RepliesService, SuppressionsService, CasesRepository, AuditLogService],
  // The console's replies and deliverability pages call the same services as these routes.
  exports: [RepliesService, SuppressionsService],
})
export class InboundApiModule {}
