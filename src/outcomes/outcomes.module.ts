import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { CaseOutcomesController } from './case-outcomes.controller';
import { OutcomesService } from './outcomes.service';

@Module({
  imports: [CasesModule, DeliveryModule],
  controllers: [CaseOutcomesController],
  providers: [OutcomesService],
})
export class OutcomesModule {}
