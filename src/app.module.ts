import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppealsModule } from './appeals/appeals.module';
import { AuthModule } from './auth/auth.module';
import { CasesModule } from './cases/cases.module';
import { AllExceptionsFilter } from './common/http-exception.filter';
import { validationPipe } from './common/validation-pipe';
import { QalamConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { RetentionModule } from './retention/retention.module';
import { CycleRemindersModule } from './cycles/cycle-reminders.module';
import { CyclesModule } from './cycles/cycles.module';
import { dataSourceOptions } from './database/data-source';
import { DeliveryModule } from './delivery/delivery.module';
import { DeliveryWorkerModule } from './delivery/delivery-worker.module';
import { InboundApiModule } from './inbound/inbound-api.module';
import { InboundListenerModule } from './inbound/inbound-listener.module';
import { listensForInbound } from './inbound/inbound-role';
import { redisConnection } from './common/redis-connection';
import { MembersModule } from './members/members.module';
import { ModerationModule } from './moderation/moderation.module';
import { NoteModerationModule } from './note-moderation/note-moderation.module';
import { OfficialsModule } from './officials/officials.module';
import { OperationsModule } from './operations/operations.module';
import { OutcomesModule } from './outcomes/outcomes.module';
import { PrintModule } from './print/print.module';
import { StatsModule } from './stats/stats.module';
import { SupportersModule } from './supporters/supporters.module';
import { TemplatesModule } from './templates/templates.module';
import { WebModule } from './web/web.module';

/**
 * The API modules serve HTTP; the worker needs only configuration, the database, delivery and the cycles' reminder timer;
 * the inbound listener (role inbound, or all with INBOUND_SMTP_PORT) the database and its records.
 */
@Module({})
export class AppModule {
  static forConfig(config: QalamConfig): DynamicModule {
    const serves = config.role === 'all' || config.role === 'api';
    const sends = config.role === 'all' || config.role === 'worker';
    const receives = listensForInbound(config);
    return {
      module: AppModule,
      imports: [
        ConfigModule.bind(config),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config.databaseUrl), autoLoadEntities: true }),
        // Producers fail fast while Redis is away (the request answers 503, or the reconciler
        // enqueues later) instead of waiting for it; the worker builds its own blocking connection.
        BullModule.forRoot({ connection: { ...redisConnection(config.redisUrl), maxRetriesPerRequest: 1, enableOfflineQueue: false }, prefix: config.queuePrefix }),
        DeliveryModule,
        ...(serves ? [AuthModule, SupportersModule, CasesModule, OutcomesModule, ModerationModule, NoteModerationModule, OfficialsModule, TemplatesModule, AppealsModule, StatsModule, CyclesModule, MembersModule, PrintModule, InboundApiModule, WebModule, OperationsModule] : []),
        ...(sends ? [DeliveryWorkerModule, CycleRemindersModule, RetentionModule] : []),
        ...(receives ? [InboundListenerModule] : []),
      ],
      providers: serves
        ? [
            { provide: APP_PIPE, useValue: validationPipe() },
            { provide: APP_FILTER, useClass: AllExceptionsFilter },
          ]
        : [],
    };
  }
}
