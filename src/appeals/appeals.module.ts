import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Case } from '../cases/case.entity';
import { Official } from '../officials/official.entity';
import { Supporter } from '../supporters/supporter.entity';
import { Template } from '../templates/template.entity';
import { Appeal } from './appeal.entity';
import { AppealsController } from './appeals.controller';
import { AppealsService } from './appeals.service';
import { Signature } from './signature.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Appeal, Signature, Template, Official, Case, Supporter])],
  controllers: [AppealsController],
  providers: [AppealsService],
  exports: [AppealsService],
})
export class AppealsModule {}
