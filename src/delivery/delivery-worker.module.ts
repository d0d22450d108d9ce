import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { MemberTokensModule } from '../supporters/member-tokens.module';
import { RenderingModule } from '../templates/rendering.module';
import { DeliveryModule } from './delivery.module';
import { DeliveryProgressService } from './delivery-progress.service';
import { LetterSenderService } from './letter-sender.service';
import { LettersProcessor } from './letters.processor';
import { MailTransportService } from './mail-transport.service';
import { MemberMailService } from './member-mail.service';
import { PasswordTokensRepository } from '../supporters/password-tokens.repository';
import { ReconcilerService } from './reconciler.service';
import { WorkerRegistryService } from './worker-registry.service';

/** The worker side, where mail is sent: the processor, the transport, the reconciler and member mail. */
@Module({
  // Member mail (invitations, reminders, confirmations) carries signed links made when it is sent.
  imports: [ConfigModule, DeliveryModule, MemberTokensModule, RenderingModule],
  providers: [MailTransportService, DeliveryProgressService, WorkerRegistryService, LetterSenderService, LettersProcessor, ReconcilerService, MemberMailService, PasswordTokensRepository],
})
export class DeliveryWorkerModule {}
