import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { InboundMailModule } from '../inbound-mail/inbound-mail.module';
import { LettersModule } from '../letters/letters.module';
import { OfficialsModule } from '../officials/officials.module';
import { SupportersRepository } from '../supporters/supporters.repository';
import { InboundListenerService } from './inbound-listener.service';
import { InboundMailService } from './inbound-mail.service';

/**
 * The inbound SMTP listener and what it does with what it receives. Imported in role
 * `inbound`, and in `all` (it starts there only with INBOUND_SMTP_PORT set).
 */
@Module({
  imports: [ConfigModule, InboundMailModule, LettersModule, OfficialsModule],
  providers: [InboundMailService, InboundListenerService, SupportersRepository],
})
export class InboundListenerModule {}
