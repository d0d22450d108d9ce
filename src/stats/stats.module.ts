import { Module } from '@nestjs/common';
import { CasesRepository } from '../cases/cases.repository';
import { InboundMailModule } from '../inbound-mail/inbound-mail.module';
import { LettersModule } from '../letters/letters.module';
import { SupportersRepository } from '../supporters/supporters.repository';
import { LetterExportService } from './letter-export.service';
import { StatsController } from './stats.controller';
import { StatsRepository } from './stats.repository';
import { StatsService } from './stats.service';

@Module({
  imports: [LettersModule, InboundMailModule],
  controllers: [StatsController],
  providers: [StatsService, LetterExportService, StatsRepository, SupportersRepository, CasesRepository],
  exports: [StatsService],
})
export class StatsModule {}
