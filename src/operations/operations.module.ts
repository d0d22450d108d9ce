import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { InboundMailModule } from '../inbound-mail/inbound-mail.module';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule } from '../auth/auth.module';
import { BoardSessionController } from './board-session.controller';
import { MetricsService } from './metrics.service';
import { OperationsController } from './operations.controller';

/** /health (Postgres, Redis, SMTP when set), /metrics and the Bull Board session, served by HTTP roles. */
@Module({
  imports: [ConfigModule, AuthModule, TerminusModule.forRoot({ logger: false }), DeliveryModule, InboundMailModule],
  controllers: [OperationsController, BoardSessionController],
  providers: [MetricsService],
})
export class OperationsModule {}
