import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { RetentionRepository } from './retention.repository';
import { RetentionService } from './retention.service';
import { RetentionTimer } from './retention.timer';

/** The workers' RETENTION_DAYS scrub. */
@Module({
  imports: [ConfigModule],
  providers: [RetentionRepository, RetentionService, RetentionTimer],
  exports: [RetentionService],
})
export class RetentionModule {}
