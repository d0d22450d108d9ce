import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MeController } from './me.controller';
import { Supporter } from './supporter.entity';
import { SupportersController } from './supporters.controller';
import { SupportersRepository } from './supporters.repository';
import { SupportersService } from './supporters.service';

@Module({
  imports: [TypeOrmModule.forFeature([Supporter])],
  controllers: [SupportersController, MeController],
  providers: [SupportersService, SupportersRepository],
  exports: [SupportersService, SupportersRepository],
})
export class SupportersModule {}
