import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { QalamConfig } from '../config/config';
import { DeliveryRedisService } from './delivery-redis.service';
import { DeliveryProgressService } from './delivery-progress.service';
import { LETTERS_QUEUE } from './jobs';
import { LetterQueueService } from './letter-queue.service';
import { LetterSenderService } from './letter-sender.service';
import { LettersService } from './letters.service';
import { LettersProcessor } from './letters.processor';
import { MailTransportService } from './mail-transport.service';
import { ReconcilerService } from './reconciler.service';
import { WorkerRegistryService } from './worker-registry.service';

/** The queue everywhere; the processor, the transport and the reconciler only where letters are sent. */
@Module({})
export class DeliveryModule {
  static forRole(config: QalamConfig): DynamicModule {
    const sends = config.role === 'all' || config.role === 'worker';
    return {
      module: DeliveryModule,
      global: true,
      imports: [
        BullModule.registerQueue({ name: LETTERS_QUEUE }),
      ],
      providers: [
        DeliveryRedisService,
        LetterQueueService,
        LettersService,
        ...(sends ? [MailTransportService, DeliveryProgressService, WorkerRegistryService, LetterSenderService, LettersProcessor, ReconcilerService] : []),
      ],
      exports: [LetterQueueService, LettersService],
    };
  }
}
