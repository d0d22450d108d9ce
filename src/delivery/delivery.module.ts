import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { QalamConfig } from '../config/config';
import { MemberMailService } from '../members/member-mail.service';
import { MemberTokensModule } from '../members/member-tokens.module';
import { DeliveryMetrics } from './delivery-metrics';
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

/** The queue everywhere; the processor, the transport, the reconciler and member mail only where mail is sent. */
@Module({})
export class DeliveryModule {
  static forRole(config: QalamConfig): DynamicModule {
    const sends = config.role === 'all' || config.role === 'worker';
    return {
      module: DeliveryModule,
      global: true,
      imports: [
        BullModule.registerQueue({ name: LETTERS_QUEUE }),
        // Member mail (invitations, reminders, confirmations) carries signed links made when it is sent.
        ...(sends ? [MemberTokensModule] : []),
      ],
      providers: [
        DeliveryMetrics,
        DeliveryRedisService,
        LetterQueueService,
        LettersService,
        ...(sends ? [MailTransportService, DeliveryProgressService, WorkerRegistryService, LetterSenderService, LettersProcessor, ReconcilerService, MemberMailService] : []),
      ],
      exports: [LetterQueueService, LettersService, DeliveryMetrics, DeliveryRedisService],
    };
  }
}
