import { Module } from '@nestjs/common';
import { AppealsModule } from '../appeals/appeals.module';
import { ConfigModule } from '../config/config.module';
import { AuditLogService } from '../database/audit-log.service';
import { DeliveryModule } from '../delivery/delivery.module';
import { LettersModule } from '../letters/letters.module';
import { NoteModerationController } from './note-moderation.controller';
import { NoteModerationService } from './note-moderation.service';

/** Moderation of signers' notes (an appeal's `moderation`): the held list and the decisions. */
@Module({
  imports: [ConfigModule, AppealsModule, LettersModule, DeliveryModule],
  controllers: [NoteModerationController],
  providers: [AuditLogService, NoteModerationService],
  exports: [NoteModerationService],
})
export class NoteModerationModule {}
