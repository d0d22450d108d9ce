import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppealsModule } from '../appeals/appeals.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { MemberTokensModule } from '../supporters/member-tokens.module';
import { MailingsModule } from '../mailings/mailings.module';
import { CycleMailService } from './cycle-mail.service';
import { CyclesRepository } from './cycles.repository';
import { Cycle } from './cycle.entity';
import { CyclesController } from './cycles.controller';
import { CyclesService } from './cycles.service';
import { CycleContentService } from './cycle-content.service';
import { ChangeNoticesModule } from '../database/change-notices.module';

/** The coordinator's cycles API and the services the signing pages call (CyclesService). */
@Module({
  imports: [ConfigModule, TypeOrmModule.forFeature([Cycle]), AppealsModule, MemberTokensModule, DeliveryModule, MailingsModule, ChangeNoticesModule],
  controllers: [CyclesController],
  providers: [CyclesService, CycleMailService, CyclesRepository, CycleContentService],
  exports: [CyclesService, MemberTokensModule],
})
export class CyclesModule {}
