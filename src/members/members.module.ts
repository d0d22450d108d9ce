import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { RateLimitModule } from '../common/rate-limit/rate-limit.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { MemberTokensModule } from '../supporters/member-tokens.module';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';

/** Joining (signup, confirm) and leaving (unsubscribe); MembersService is what the pages call. */
@Module({
  imports: [ConfigModule, MemberTokensModule, DeliveryModule, RateLimitModule],
  controllers: [MembersController],
  providers: [MembersService],
  exports: [MembersService, MemberTokensModule],
})
export class MembersModule {}
