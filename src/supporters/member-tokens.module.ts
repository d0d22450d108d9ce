import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { JwtModule } from '@nestjs/jwt';
import { jwtSecretOptions } from '../common/auth/jwt-key';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { MemberTokenService } from './member-token.service';

/**
 * Links in members' emails, signed with APP_SECRET. A JwtModule of its own (not the API's)
 * so that the worker, which serves no HTTP and has no AuthModule, can sign them too; each
 * purpose carries its own audience, so no link is ever an access token.
 */
@Module({
  imports: [
    ConfigModule,
    JwtModule.registerAsync({
      imports: [ConfigModule],
      inject: [QALAM_CONFIG],
      useFactory: (config: QalamConfig) => ({
        ...jwtSecretOptions(config.appSecret),
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  providers: [MemberTokenService],
  exports: [MemberTokenService],
})
export class MemberTokensModule {}
