import { Module } from '@nestjs/common';
import { MemberMailModule } from './member-mail.module';
import { MemberTokensModule } from './member-tokens.module';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';

/** Joining (signup, confirm) and leaving (unsubscribe); MembersService is what the pages call. */
@Module({
  imports: [MemberTokensModule, MemberMailModule],
  controllers: [MembersController],
  providers: [MembersService],
  exports: [MembersService, MemberTokensModule],
})
export class MembersModule {}
