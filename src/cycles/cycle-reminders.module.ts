import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { OutcomeMailsRepository } from '../outcomes/outcome-mails.repository';
import { CycleMailService } from './cycle-mail.service';
import { CyclesRepository } from './cycles.repository';
import { CycleRemindersTimer } from './cycle-reminders.timer';

/** The workers' part of cycles: the periodic check that sends due reminders and requeues lost invitations. */
@Module({
  imports: [ConfigModule, DeliveryModule],
  providers: [CycleMailService, CyclesRepository, OutcomeMailsRepository, CycleRemindersTimer],
  exports: [CycleRemindersTimer],
})
export class CycleRemindersModule {}
