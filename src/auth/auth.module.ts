import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { APP_GUARD } from '@nestjs/core';
import { RateLimitModule } from '../common/rate-limit/rate-limit.module';
import { JwtModule } from '@nestjs/jwt';
import { jwtSecretOptions } from '../common/auth/jwt-key';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { Supporter } from '../supporters/supporter.entity';
import { AccessGuard } from './access.guard';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { CallerRecordsModule } from '../supporters/caller-records.module';
import { ChangeNoticesModule } from '../database/change-notices.module';
import { LiveStaffSessionsService } from './live-staff-sessions.service';
import { CsrfGuard, CsrfService } from './csrf.service';
import { StaffSession } from './staff-session.entity';
import { StaffSessionsRepository } from './staff-sessions.repository';
import { StaffSessionsService } from './staff-sessions.service';

@Module({
  imports: [
    ConfigModule,
    TypeOrmModule.forFeature([Supporter, StaffSession]),
    RateLimitModule,
    CallerRecordsModule,
    ChangeNoticesModule,
    JwtModule.registerAsync({
      imports: [ConfigModule],
      inject: [QALAM_CONFIG],
      // Access tokens are for the API only: links in emails carry other audiences.
      useFactory: (config: QalamConfig) => ({
        ...jwtSecretOptions(config.appSecret),
        signOptions: { expiresIn: '12h', algorithm: 'HS256', audience: 'qalam:api' },
        verifyOptions: { algorithms: ['HS256'], audience: 'qalam:api' },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, StaffSessionsRepository, LiveStaffSessionsService, StaffSessionsService, CsrfService, CsrfGuard, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [AuthService, JwtModule, StaffSessionsService, CsrfService, CsrfGuard],
})
export class AuthModule {}
