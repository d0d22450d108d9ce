import { Module } from '@nestjs/common';
import { ChangeNoticesModule } from '../database/change-notices.module';
import { CallerRecordsRepository } from './caller-records.repository';
import { CallerRecordsService } from './caller-records.service';

/** The callers' records kept in memory (one instance per process: auth reads them, SupportersService drops what it changes). */
@Module({
  imports: [ChangeNoticesModule],
  providers: [CallerRecordsRepository, CallerRecordsService],
  exports: [CallerRecordsService],
})
export class CallerRecordsModule {}
