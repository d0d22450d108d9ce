import { DynamicModule, Global, Module } from '@nestjs/common';
import { QALAM_CONFIG, QalamConfig } from './config';

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: QalamConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: QALAM_CONFIG, useValue: config }], exports: [QALAM_CONFIG] };
  }
}
