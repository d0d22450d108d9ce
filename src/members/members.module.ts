import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { RateLimitModule } from '../common/rate-limit/rate-limit.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { MemberTokensModule } from '../supporters/member-tokens.module';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';
import { MyDataController, SupporterDataController } from './privacy.controller';
import { PrivacyService } from './privacy.service';
import { CallerRecordsModule } from '../supporters/caller-records.module';
import { LettersModule } from '../letters/letters.module';
import { MailingsModule } from '../mailings/mailings.module';
import { SupportersRepository } from '../supporters/supporters.repository';

/** Joining (signup, confirm), leaving (unsubscribe) and a member's data rights (export, delete); MembersService is what the pages call. */
@Module({
  imports: [ConfigModule, MemberTokensModule, LettersModule, DeliveryModule, RateLimitModule, MailingsModule, CallerRecordsModule],
  controllers: [MembersController, MyDataController, SupporterDataController],
  providers: [MembersService, PrivacyService, SupportersRepository],
  exports: [MembersService, MemberTokensModule],
})
export class MembersModule {}
