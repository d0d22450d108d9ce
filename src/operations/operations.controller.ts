import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '../common/auth/roles.decorator';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { DeliveryRedisService } from '../delivery/delivery-redis.service';
import { MetricsService } from './metrics.service';
import { verifySmtp } from './smtp-health';

/** Terminus' answer: each service's status under its key (postgres, redis, smtp when set). */
const HEALTH_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['status', 'info', 'error', 'details'],
  properties: {
    status: { type: 'string', enum: ['ok', 'error', 'shutting_down'] },
    ...Object.fromEntries(
      ['info', 'error', 'details'].map((key) => [
        key,
        { type: 'object', additionalProperties: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['up', 'down'] }, message: { type: 'string' } } } },
      ]),
    ),
  },
};

/** For load balancers and Prometheus: public, and they reveal no personal data. */
@ApiTags('operations')
@Controller()
export class OperationsController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(TypeOrmHealthIndicator) private readonly postgres: TypeOrmHealthIndicator,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(DeliveryRedisService) private readonly redis: DeliveryRedisService,
    @Inject(MetricsService) private readonly metrics: MetricsService,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
  ) {}

  @Public()
  @Get('health')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Whether Postgres, Redis (and SMTP, when set) answer' })
  @ApiOkResponse({ description: 'Every service is up', schema: HEALTH_SCHEMA })
  @ApiServiceUnavailableResponse({ description: 'A service is down', schema: HEALTH_SCHEMA })
  check() {
    const timeout = 3000;
    return this.health.check([
      () => this.postgres.pingCheck('postgres', { timeout }),
      () => this.probe('redis', async () => void (await this.redis.client.ping())),
      ...(this.config.smtpUrl ? [() => this.probe('smtp', () => verifySmtp(this.config.smtpUrl!, timeout))] : []),
    ]);
  }

  @Public()
  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'The Prometheus text exposition format', schema: { type: 'string' } })
  async scrape(@Res() response: Response): Promise<void> {
    const body = await this.metrics.render();
    response.type(this.metrics.contentType()).send(body);
  }

  private async probe<const Key extends string>(key: Key, check: () => Promise<void>) {
    const indicator = this.indicators.check(key);
    try {
      await check();
      return indicator.up();
    } catch (error) {
      // The reason without the URL, which may carry a password.
      return indicator.down({ message: (error as Error).message.slice(0, 200) });
    }
  }
}
