import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppealsModule } from '../appeals/appeals.module';
import { MemberMailModule } from '../members/member-mail.module';
import { MemberTokensModule } from '../members/member-tokens.module';
import { CycleMailService } from './cycle-mail.service';
import { Cycle } from './cycle.entity';
import { CyclesController } from './cycles.controller';
import { CyclesService } from './cycles.service';

/** The coordinator's cycles API and the services the signing pages call (CyclesService). */
@Module({
  imports: [TypeOrmModule.forFeature([Cycle]), AppealsModule, MemberTokensModule, MemberMailModule],
  controllers: [CyclesController],
  providers: [CyclesService, CycleMailService],
  exports: [CyclesService, MemberTokensModule],
})
export class CyclesModule {}
