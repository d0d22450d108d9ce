import { AuditLogService } from '../database/audit-log.service';
import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { RateLimitModule } from '../common/rate-limit/rate-limit.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Case } from '../cases/case.entity';
import { Official } from '../officials/official.entity';
import { Supporter } from '../supporters/supporter.entity';
import { RenderingModule } from '../templates/rendering.module';
import { Template } from '../templates/template.entity';
import { Appeal } from './appeal.entity';
import { AppealsController } from './appeals.controller';
import { AppealsRepository } from './appeals.repository';
import { AppealsService } from './appeals.service';
import { AppealContentService } from './appeal-content.service';
import { ChangeNoticesModule } from '../database/change-notices.module';
import { LettersModule } from '../letters/letters.module';
import { Signature } from '../letters/signature.entity';

@Module({
  imports: [ConfigModule, TypeOrmModule.forFeature([Appeal, Signature, Template, Official, Case, Supporter]), LettersModule, DeliveryModule, RateLimitModule, RenderingModule, ChangeNoticesModule],
  controllers: [AppealsController],
  providers: [AuditLogService, AppealsService, AppealsRepository, AppealContentService],
  exports: [AppealsService, AppealsRepository],
})
export class AppealsModule {}
