import { AuditLogService } from '../database/audit-log.service';
import { Module } from '@nestjs/common';
import { AppealsModule } from '../appeals/appeals.module';
import { CasesModule } from '../cases/cases.module';
import { LettersModule } from '../letters/letters.module';
import { MailingsModule } from '../mailings/mailings.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { CaseOutcomesController } from './case-outcomes.controller';
import { OutcomesService } from './outcomes.service';

@Module({
  imports: [CasesModule, AppealsModule, LettersModule, DeliveryModule, MailingsModule],
  controllers: [CaseOutcomesController],
  providers: [AuditLogService, OutcomesService],
  exports: [OutcomesService],
})
export class OutcomesModule {}
