import { Module } from '@nestjs/common';
import { MemberMailModule } from '../members/member-mail.module';
import { CycleMailService } from './cycle-mail.service';
import { CycleRemindersTimer } from './cycle-reminders.timer';

/** The workers' part of cycles: the periodic check that sends due reminders and requeues lost invitations. */
@Module({
  imports: [MemberMailModule],
  providers: [CycleMailService, CycleRemindersTimer],
  exports: [CycleRemindersTimer],
})
export class CycleRemindersModule {}
