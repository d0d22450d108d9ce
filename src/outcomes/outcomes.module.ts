import { AuditLogService } from '../database/audit-log.service';
import { Module } from '@nestjs/common';
import { AppealsModule } from '../appeals/appeals.module';
import { CasesModule } from '../cases/cases.module';
import { LettersModule } from '../letters/letters.module';
import { OutcomeMailsRepository } from './outcome-mails.repository';
import { DeliveryModule } from '../delivery/delivery.module';
import { CaseOutcomesController } from './case-outcomes.controller';
import { OutcomesService } from './outcomes.service';

@Module({
  imports: [CasesModule, AppealsModule, LettersModule, DeliveryModule],
  controllers: [CaseOutcomesController],
  providers: [AuditLogService, OutcomesService, OutcomeMailsRepository],
})
export class OutcomesModule {}
