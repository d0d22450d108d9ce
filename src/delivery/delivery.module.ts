import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { LettersModule } from '../letters/letters.module';
import { DeliveryMetrics } from './delivery-metrics';
import { DeliveryRedisService } from './delivery-redis.service';
import { LETTERS_QUEUE } from './jobs';
import { LetterQueueService } from './letter-queue.service';
import { LettersService } from './letters.service';
import { MemberMailQueue } from './member-mail.queue';
import { PrintRunQueue } from './print-run.queue';

/**
 * Delivery as the features see it: its queue producers (letters created and enqueued,
 * member mail queued) and its metrics. Imported by each feature that uses them; the worker
 * side (DeliveryWorkerModule) is imported by the app alone, where mail is sent.
 */
@Module({
  imports: [ConfigModule, LettersModule, BullModule.registerQueue({ name: LETTERS_QUEUE })],
  providers: [DeliveryMetrics, DeliveryRedisService, LetterQueueService, LettersService, MemberMailQueue, PrintRunQueue],
  exports: [BullModule, DeliveryMetrics, DeliveryRedisService, LetterQueueService, LettersService, MemberMailQueue, PrintRunQueue],
})
export class DeliveryModule {}
