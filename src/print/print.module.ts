import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { AuditLogService } from '../database/audit-log.service';
import { DeliveryModule } from '../delivery/delivery.module';
import { LettersModule } from '../letters/letters.module';
import { MessagesModule } from '../messages/messages.module';
import { PrintingModule } from '../printing/printing.module';
import { PrintRunsController } from './print-runs.controller';
import { PrintRunsService } from './print-runs.service';

/** Print runs for coordinators: the API (and the service the console's pages call); the worker renders them. */
@Module({
  imports: [ConfigModule, DeliveryModule, LettersModule, MessagesModule, PrintingModule],
  controllers: [PrintRunsController],
  providers: [AuditLogService, PrintRunsService],
  exports: [PrintRunsService],
})
export class PrintModule {}
