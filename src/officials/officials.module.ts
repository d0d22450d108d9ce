import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditLogService } from '../database/audit-log.service';
import { Official } from './official.entity';
import { OfficialsController } from './officials.controller';
import { OfficialsService } from './officials.service';

@Module({
  imports: [TypeOrmModule.forFeature([Official])],
  controllers: [OfficialsController],
  providers: [OfficialsService, AuditLogService],
  exports: [OfficialsService],
})
export class OfficialsModule {}
