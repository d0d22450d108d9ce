import { Module } from '@nestjs/common';
import { CasesRepository } from '../cases/cases.repository';
import { ConfigModule } from '../config/config.module';
import { LettersModule } from '../letters/letters.module';
import { MailingsModule } from '../mailings/mailings.module';
import { MessagesModule } from '../messages/messages.module';
import { PrintingModule } from '../printing/printing.module';
import { MemberTokensModule } from '../supporters/member-tokens.module';
import { SupportersRepository } from '../supporters/supporters.repository';
import { RenderingModule } from '../templates/rendering.module';
import { TemplatesRepository } from '../templates/templates.repository';
import { DeliveryModule } from './delivery.module';
import { DeliveryProgressService } from './delivery-progress.service';
import { LetterSenderService } from './letter-sender.service';
import { LettersProcessor } from './letters.processor';
import { MailTransportService } from './mail-transport.service';
import { MemberMailService } from './member-mail.service';
import { PasswordTokensRepository } from '../supporters/password-tokens.repository';
import { PrintRunRenderer } from './print-run-renderer.service';
import { ReconcilerService } from './reconciler.service';
import { WorkerRegistryService } from './worker-registry.service';

/** The worker side, where mail is sent: the processor, the transport, the reconciler and member mail. */
@Module({
  // Member mail (invitations, reminders, confirmations) carries signed links made when it is sent.
  // Its rows: the mailings claimed, the members, cases and templates they are written from; password links for staff mail.
  imports: [ConfigModule, DeliveryModule, MemberTokensModule, RenderingModule, MailingsModule, LettersModule, PrintingModule, MessagesModule],
  providers: [
    MailTransportService,
    DeliveryProgressService,
    WorkerRegistryService,
    LetterSenderService,
    LettersProcessor,
    ReconcilerService,
    MemberMailService,
    PrintRunRenderer,
    SupportersRepository,
    CasesRepository,
    TemplatesRepository,
    PasswordTokensRepository,
  ],
})
export class DeliveryWorkerModule {}
