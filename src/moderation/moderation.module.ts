import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { RateLimitModule } from '../common/rate-limit/rate-limit.module';
import { ConfigModule } from '../config/config.module';
import { AuditLogService } from '../database/audit-log.service';
import { MessagesModule } from '../messages/messages.module';
import { ModerationController } from './moderation.controller';
import { ModerationService } from './moderation.service';

@Module({
  imports: [ConfigModule, MessagesModule, CasesModule, RateLimitModule],
  controllers: [ModerationController],
  providers: [AuditLogService, ModerationService],
  exports: [ModerationService],
})
export class ModerationModule {}
