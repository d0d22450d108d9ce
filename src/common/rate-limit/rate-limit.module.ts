import { Module } from '@nestjs/common';
import { ConfigModule } from '../../config/config.module';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimitService } from './rate-limit.service';

/** Redis-backed rate limits: a module whose controllers use @RateLimited imports it. */
@Module({
  imports: [ConfigModule],
  providers: [RateLimitService, RateLimitGuard],
  exports: [RateLimitService, RateLimitGuard],
})
export class RateLimitModule {}
