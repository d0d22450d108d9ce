import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MeController } from './me.controller';
import { PrivacyService } from './privacy.service';
import { Supporter } from './supporter.entity';
import { SupportersController } from './supporters.controller';
import { SupportersService } from './supporters.service';

@Module({
  imports: [TypeOrmModule.forFeature([Supporter])],
  controllers: [SupportersController, MeController],
  providers: [SupportersService, PrivacyService],
  exports: [SupportersService],
})
export class SupportersModule {}
