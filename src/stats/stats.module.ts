import { Module } from '@nestjs/common';
import { LetterExportService } from './letter-export.service';
import { StatsController } from './stats.controller';
import { StatsService } from './stats.service';

@Module({ controllers: [StatsController], providers: [StatsService, LetterExportService], exports: [StatsService] })
export class StatsModule {}
