import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditLogService } from '../database/audit-log.service';
import { CallerRecordsModule } from './caller-records.module';
import { MeController } from './me.controller';
import { PasswordTokensRepository } from './password-tokens.repository';
import { Supporter } from './supporter.entity';
import { SupportersController } from './supporters.controller';
import { SupportersRepository } from './supporters.repository';
import { SupportersService } from './supporters.service';

@Module({
  imports: [TypeOrmModule.forFeature([Supporter]), CallerRecordsModule],
  controllers: [SupportersController, MeController],
  providers: [SupportersService, SupportersRepository, AuditLogService, PasswordTokensRepository],
  exports: [SupportersService, SupportersRepository, AuditLogService, PasswordTokensRepository],
})
export class SupportersModule {}
