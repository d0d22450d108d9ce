import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PrintRun } from './print-run.entity';
import { PrintRunsRepository } from './print-runs.repository';

/** The print_runs table: its repository, for the print-run job and the print feature. */
@Module({
  imports: [TypeOrmModule.forFeature([PrintRun])],
  providers: [PrintRunsRepository],
  exports: [PrintRunsRepository],
})
export class PrintingModule {}
