import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { LETTERS_QUEUE } from '../delivery/jobs';
import { MemberMailQueue } from './member-mail.queue';

/** Enqueues mail to members on the letters queue; the worker's MemberMailService sends it. */
@Module({
  imports: [BullModule.registerQueue({ name: LETTERS_QUEUE })],
  providers: [MemberMailQueue],
  exports: [MemberMailQueue],
})
export class MemberMailModule {}
