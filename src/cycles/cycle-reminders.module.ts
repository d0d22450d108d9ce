import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { MailingsModule } from '../mailings/mailings.module';
import { CycleMailService } from './cycle-mail.service';
import { CyclesRepository } from './cycles.repository';
import { CycleRemindersTimer } from './cycle-reminders.timer';

/** The workers' part of cycles: the periodic check that sends due reminders and requeues lost invitations. */
@Module({
  imports: [ConfigModule, DeliveryModule, MailingsModule],
  providers: [CycleMailService, CyclesRepository, CycleRemindersTimer],
  exports: [CycleRemindersTimer],
})
export class CycleRemindersModule {}
