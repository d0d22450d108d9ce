import { INestApplication, PipeTransform, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { ResponseObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { Access, ACCESS_KEY } from './common/auth/roles.decorator';
import { ErrorResponse } from './common/error-response.dto';
import { UuidParam } from './common/uuid.pipe';
import { RATE_LIMIT_KEY } from './common/rate-limit/rate-limit.guard';

/** What the guards and pipes of one handler do, read from the same metadata they act on. */
interface RouteFacts {
  access: Access | undefined;
  rateLimited: boolean;
  /** A path parameter parsed by UuidParam: a malformed or unknown id is 404. */
  uuidParameter: boolean;
  /** A body or query the validation pipe checks: 400 naming the field. */
  validatedInput: boolean;
}

const operationId = (controller: string, method: string) => `${controller}_${method}`;

function routeFacts(app: INestApplication): Map<string, RouteFacts> {
  const scanner = new MetadataScanner();
  const facts = new Map<string, RouteFacts>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: unknown[]) => unknown) | null;
      if (!controller || Reflect.getMetadata(PATH_METADATA, controller) === undefined) continue;
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, object>)[name];
        if ((Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined) === undefined) continue;
        const parameters = Object.entries((Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, { pipes?: PipeTransform[] }>);
        const kindOf = (key: string) => Number(key.split(':')[0]);
        facts.set(operationId(controller.name, name), {
          access: Reflect.getMetadata(ACCESS_KEY, handler) ?? Reflect.getMetadata(ACCESS_KEY, controller),
          rateLimited: Reflect.getMetadata(RATE_LIMIT_KEY, handler) !== undefined,
          uuidParameter: parameters.some(([key, parameter]) => kindOf(key) === RouteParamtypes.PARAM && (parameter.pipes ?? []).includes(UuidParam)),
          validatedInput: parameters.some(([key]) => kindOf(key) === RouteParamtypes.BODY || kindOf(key) === RouteParamtypes.QUERY),
        });
      }
    }
  }
  return facts;
}

const errorResponse = (description: string): ResponseObject => ({
  description,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ErrorResponse.name}` } } },
});

/**
 * The OpenAPI document of the API, built from the controllers and DTOs. Security and the
 * errors that guards and pipes answer are derived from the metadata the access guard, the
 * rate limiter and UuidParam act on, so the document cannot drift from what the server does:
 * every route that is not @Public needs a Bearer token (401 without one, 403 for a role below
 * its @Allow); public routes declare `security: []`.
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('qalam')
    .setDescription('Letter-writing campaign engine. Sign in with POST /api/auth/login, then send `Authorization: Bearer <accessToken>`.')
    .setVersion('0.1.0')
    .setLicense('AGPL-3.0-or-later', 'https://www.gnu.org/licenses/agpl-3.0.html')
    .addServer('/', 'This server')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'accessToken from POST /api/auth/login' }, 'bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ErrorResponse], operationIdFactory: operationId });
  const facts = routeFacts(app);
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations) as [string, { operationId?: string; security?: unknown[]; responses: Record<string, unknown> }][]) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      const route = operation.operationId ? facts.get(operation.operationId) : undefined;
      if (!route) throw new Error(`OpenAPI: no controller route behind ${method.toUpperCase()} ${path}`);
      const add = (status: number, description: string) => {
        operation.responses[status] ??= errorResponse(description);
      };
      if (route.access?.kind === 'public') {
        operation.security = [];
      } else {
        // No rule at all is deny-by-default: signed in or not, nobody passes.
        operation.security = [{ bearer: [] }];
        add(401, 'No valid Bearer token');
        if (!route.access || route.access.role !== 'member') add(403, `Your role does not allow this${route.access ? ` (needs ${route.access.role})` : ''}`);
      }
      if (route.validatedInput) add(400, 'A value is not valid: each message names its field');
      if (route.uuidParameter) add(404, 'No record with this id (a malformed id too)');
      if (route.rateLimited) {
        add(429, 'Too many requests: try again after Retry-After seconds');
        (operation.responses[429] as ResponseObject).headers ??= { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } };
      }
    }
  }
  return document;
}
