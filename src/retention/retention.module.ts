import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { InboundMailModule } from '../inbound-mail/inbound-mail.module';
import { LettersModule } from '../letters/letters.module';
import { MessagesModule } from '../messages/messages.module';
import { RetentionService } from './retention.service';
import { RetentionTimer } from './retention.timer';

/** The workers' RETENTION_DAYS scrub. */
@Module({
  imports: [ConfigModule, LettersModule, MessagesModule, InboundMailModule],
  providers: [RetentionService, RetentionTimer],
  exports: [RetentionService],
})
export class RetentionModule {}
