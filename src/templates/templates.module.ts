import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Case } from '../cases/case.entity';
import { Official } from '../officials/official.entity';
import { Supporter } from '../supporters/supporter.entity';
import { DefaultTemplatesInstaller } from './default-templates.installer';
import { RenderingModule } from './rendering.module';
import { TemplateVersion } from './template-version.entity';
import { Template } from './template.entity';
import { TemplatesController } from './templates.controller';
import { TemplatesRepository } from './templates.repository';
import { TemplatesService } from './templates.service';

@Module({
  imports: [TypeOrmModule.forFeature([Template, TemplateVersion, Case, Official, Supporter]), RenderingModule],
  controllers: [TemplatesController],
  providers: [TemplatesService, DefaultTemplatesInstaller, TemplatesRepository],
  exports: [TemplatesService],
})
export class TemplatesModule {}
