import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LETTERS_QUEUE } from '../delivery/jobs';
import { MetricsService } from './metrics.service';
import { OperationsController } from './operations.controller';

/** /health (Postgres, Redis, SMTP when set) and /metrics, served by HTTP roles. */
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), BullModule.registerQueue({ name: LETTERS_QUEUE })],
  controllers: [OperationsController],
  providers: [MetricsService],
})
export class OperationsModule {}
