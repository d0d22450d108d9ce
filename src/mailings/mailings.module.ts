import { Module } from '@nestjs/common';
import { MailingsRepository } from './mailings.repository';

/** The tables of member mail (cycle_invitations, case_outcome_mails): their repository, for the worker and the features. */
@Module({
  providers: [MailingsRepository],
  exports: [MailingsRepository],
})
export class MailingsModule {}
