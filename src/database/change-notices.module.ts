import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { ChangeNoticesService } from './change-notices.service';

/** The process's one listening connection for the tables' change notices (a module is one instance, whoever imports it). */
@Module({
  imports: [ConfigModule],
  providers: [ChangeNoticesService],
  exports: [ChangeNoticesService],
})
export class ChangeNoticesModule {}
