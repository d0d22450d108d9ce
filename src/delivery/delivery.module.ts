import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { QalamRole } from '../config/config';
import { LETTERS_QUEUE } from './jobs';
import { LetterQueueService } from './letter-queue.service';
import { LetterSenderService } from './letter-sender.service';
import { LettersProcessor } from './letters.processor';
import { MailTransportService } from './mail-transport.service';

/** The queue everywhere; the processor and the mail transport only where letters are sent. */
@Module({})
export class DeliveryModule {
  static forRole(role: QalamRole): DynamicModule {
    const sends = role === 'all' || role === 'worker';
    return {
      module: DeliveryModule,
      global: true,
      imports: [BullModule.registerQueue({ name: LETTERS_QUEUE })],
      providers: [LetterQueueService, ...(sends ? [MailTransportService, LetterSenderService, LettersProcessor] : [])],
      exports: [LetterQueueService],
    };
  }
}
