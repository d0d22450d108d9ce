import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule } from '../auth/auth.module';
import { LETTERS_QUEUE } from '../delivery/jobs';
import { BoardSessionController } from './board-session.controller';
import { MetricsService } from './metrics.service';
import { OperationsController } from './operations.controller';

/** /health (Postgres, Redis, SMTP when set), /metrics and the Bull Board session, served by HTTP roles. */
@Module({
  imports: [AuthModule, TerminusModule.forRoot({ logger: false }), BullModule.registerQueue({ name: LETTERS_QUEUE })],
  controllers: [OperationsController, BoardSessionController],
  providers: [MetricsService],
})
export class OperationsModule {}
