import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module';
import { SupportersModule } from '../supporters/supporters.module';
import { AuthModule } from './auth.module';
import { StaffAccountsService } from './staff-accounts.service';

/** Staff passwords: reset links, invitations, one's own password (the console's account pages). */
@Module({
  imports: [AuthModule, SupportersModule, DeliveryModule],
  providers: [StaffAccountsService],
  exports: [StaffAccountsService, SupportersModule],
})
export class StaffAccountsModule {}
