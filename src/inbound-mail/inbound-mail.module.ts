import { Module } from '@nestjs/common';
import { InboundMailRepository } from './inbound-mail.repository';

/** The inbound_mail table: what the inbound listener received, for the listener, replies and stats. */
@Module({
  providers: [InboundMailRepository],
  exports: [InboundMailRepository],
})
export class InboundMailModule {}
