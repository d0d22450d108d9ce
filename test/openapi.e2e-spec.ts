import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import * as ts from 'typescript';
import { Access, ACCESS_KEY } from '../src/common/auth/roles.decorator';
import { LETTER_STATUSES } from '../src/letters/letter.entity';
import { startTestApp, TestApp } from './helpers/test-app';

const run = promisify(execFile);
const bin = (name: string) => join(__dirname, '..', 'node_modules', '.bin', name);

/** The public API's paths (../shared/DESIGN.md), in OpenAPI's {param} form. */
const CONTRACT: [string, string][] = [
  ['post', '/api/auth/login'],
  ['post', '/api/supporters'],
  ['get', '/api/supporters'],
  ['get', '/api/supporters/{id}'],
  ['post', '/api/supporters/import'],
  ['get', '/api/me'],
  ['get', '/api/me/letters'],
  ['post', '/api/unsubscribe/{token}'],
  ['post', '/api/cases'],
  ['patch', '/api/cases/{id}'],
  ['get', '/api/cases'],
  ['get', '/api/cases/{id}'],
  ['post', '/api/cases/{id}/events'],
  ['post', '/api/cases/{id}/messages'],
  ['get', '/api/cases/{id}/messages'],
  ['post', '/api/messages/{id}/approve'],
  ['post', '/api/messages/{id}/reject'],
  ['post', '/api/officials'],
  ['patch', '/api/officials/{id}'],
  ['get', '/api/officials'],
  ['get', '/api/officials/{id}'],
  ['post', '/api/templates'],
  ['get', '/api/templates'],
  ['get', '/api/templates/{id}'],
  ['post', '/api/templates/{id}/preview'],
  ['get', '/api/appeals'],
  ['post', '/api/appeals'],
  ['post', '/api/appeals/{id}/launch'],
  ['post', '/api/appeals/{id}/pause'],
  ['post', '/api/appeals/{id}/resume'],
  ['post', '/api/appeals/{id}/cancel'],
  ['get', '/api/appeals/{id}'],
  ['post', '/api/appeals/{id}/signatures'],
  ['post', '/api/cycles'],
  ['post', '/api/cycles/{id}/open'],
  ['get', '/api/cycles/{id}'],
  ['get', '/api/stats/cases/{id}'],
  ['get', '/api/stats/appeals/{id}'],
  ['get', '/api/stats/officials/{id}'],
  ['get', '/api/stats/supporters/{id}'],
  ['get', '/api/stats/overview'],
  ['get', '/api/stats/cases/{id}/letters.csv'],
];

interface SchemaObject {
  $ref?: string;
  type?: string;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  items?: SchemaObject;
  additionalProperties?: unknown;
}
interface Operation {
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema: SchemaObject }> }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, SchemaObject>; securitySchemes: Record<string, unknown> };
}

/** `get /api/x/{id}` -> the access rule on its handler, read from the router's controllers. */
function routeAccess(app: TestApp): Map<string, Access | undefined> {
  const scanner = new MetadataScanner();
  const routes = new Map<string, Access | undefined>();
  for (const module of app.nest.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: unknown[]) => unknown) | null;
      if (!controller) continue;
      const prefix = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, object>)[name];
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const path = '/' + [prefix, String(Reflect.getMetadata(PATH_METADATA, handler))].map((part) => part.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/');
        routes.set(`${RequestMethod[method].toLowerCase()} ${path.replace(/:([A-Za-z]+)/g, '{$1}')}`, Reflect.getMetadata(ACCESS_KEY, handler) ?? Reflect.getMetadata(ACCESS_KEY, controller));
      }
    }
  }
  return routes;
}

describe('OpenAPI at /api/docs', () => {
  let app: TestApp;
  let document: Document;
  let workdir: string;

  const resolve = (schema: SchemaObject): SchemaObject => (schema.$ref ? resolve(document.components.schemas[schema.$ref.split('/').pop()!]) : schema);
  const operations = () => Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ method, path, operation })));

  beforeAll(async () => {
    app = await startTestApp('openapi');
    document = (await app.api.get<Document>('/api/docs-json')).body;
    workdir = mkdtempSync(join(tmpdir(), 'qalam-openapi-'));
    writeFileSync(join(workdir, 'openapi.json'), JSON.stringify(document));
  });

  afterAll(async () => {
    await app?.close();
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  });

  it('serves the document as JSON with every path of the contract', async () => {
    const response = await app.api.get('/api/docs-json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toMatch(/^3\./);
    const missing = CONTRACT.filter(([method, path]) => !document.paths[path]?.[method]).map(([method, path]) => `${method.toUpperCase()} ${path}`);
    expect(missing).toEqual([]);
  });

  it('serves the UI', async () => {
    const response = await app.api.get<string>('/api/docs');
    expect(response.status).toBe(200);
    expect(response.body).toContain('swagger-ui');
  });

  it('declares Bearer security on every protected operation and none on public ones, as the access guard decides', () => {
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const access = routeAccess(app);
    const problems: string[] = [];
    for (const { method, path, operation } of operations()) {
      const key = `${method} ${path}`;
      if (!access.has(key)) {
        problems.push(`${key}: no controller route`);
        continue;
      }
      const isPublic = access.get(key)?.kind === 'public';
      if (isPublic && JSON.stringify(operation.security) !== '[]') problems.push(`${key} is public but declares ${JSON.stringify(operation.security)}`);
      if (!isPublic && JSON.stringify(operation.security) !== JSON.stringify([{ bearer: [] }])) problems.push(`${key} is protected but declares ${JSON.stringify(operation.security)}`);
      if (!isPublic && !operation.responses['401']) problems.push(`${key} is protected but documents no 401`);
    }
    expect(problems).toEqual([]);
    // Both kinds are there: the check above is not vacuous.
    expect(operations().filter(({ operation }) => operation.security?.length === 0).map(({ method, path }) => `${method} ${path}`)).toEqual(expect.arrayContaining(['post /api/auth/login', 'post /api/signup']));
    expect(document.paths['/api/officials/{id}'].patch.security).toEqual([{ bearer: [] }]);
  });

  it('leaves the HTML pages out: they are for browsers, not part of the JSON API', () => {
    const pages = Object.keys(document.paths).filter((path) => /^\/(sign|join|unsubscribe|assets)\b/.test(path) || path === '/admin' || path === '/admin/supporters/{id}');
    expect(pages).toEqual([]);
    const html = operations().filter(({ operation }) => Object.values(operation.responses).some((response) => response.content && 'text/html' in response.content));
    expect(html).toEqual([]);
  });

  it('gives every contract route a 2xx response with a real schema, and every error the {statusCode, message, error} shape', () => {
    const problems: string[] = [];
    for (const [method, path] of CONTRACT) {
      const operation = document.paths[path][method];
      const success = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
      if (success.length === 0) problems.push(`${method} ${path}: no 2xx response`);
      for (const [status, response] of success) {
        const [[mediaType, content] = []] = Object.entries(response.content ?? {});
        const schema = content ? resolve(content.schema) : undefined;
        if (!schema) problems.push(`${method} ${path} ${status}: no schema`);
        else if (mediaType === 'application/json' && Object.keys(schema.properties ?? {}).length === 0) problems.push(`${method} ${path} ${status}: a schema without properties`);
        else if (mediaType !== 'application/json' && schema.type !== 'string') problems.push(`${method} ${path} ${status}: ${mediaType} is not a string`);
      }
    }
    for (const { method, path, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses).filter(([status]) => /^4/.test(status))) {
        if (response.content?.['application/json']?.schema.$ref !== '#/components/schemas/ErrorResponse') problems.push(`${method} ${path} ${status}: not the error shape`);
      }
    }
    expect(problems).toEqual([]);
    expect(Object.keys(resolve({ $ref: '#/components/schemas/ErrorResponse' }).properties!).sort()).toEqual(['code', 'error', 'message', 'statusCode']);
    // The login answer, and the errors the route's guards and pipes give.
    const login = document.paths['/api/auth/login'].post;
    const answer = resolve(login.responses['200'].content!['application/json'].schema);
    expect(answer.required).toEqual(expect.arrayContaining(['accessToken', 'supporter']));
    expect(Object.keys(resolve(answer.properties!.supporter).properties!)).toEqual(expect.arrayContaining(['id', 'email', 'role']));
    expect(Object.keys(login.responses).sort()).toEqual(['200', '400', '401', '429']);
    expect(Object.keys(document.paths['/api/officials/{id}'].patch.responses).sort()).toEqual(['200', '400', '401', '403', '404']);
    expect(Object.keys(document.paths['/api/appeals/{id}/launch'].post.responses).sort()).toEqual(['200', '401', '403', '404', '409']);
  });

  it('passes redocly lint with the recommended ruleset', async () => {
    const { stdout, stderr } = await run(bin('redocly'), ['lint', '--config', join(__dirname, '..', 'redocly.yaml'), '--format', 'json', join(workdir, 'openapi.json')], {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    }).catch((error: { stdout: string; stderr: string }) => error);
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { problems: { ruleId: string; severity: string; location: { pointer: string }[] }[] };
    expect({ errors: report.problems.filter((problem) => problem.severity === 'error').map((problem) => `${problem.ruleId} ${problem.location[0]?.pointer}`), stderr: stderr.includes('rror') ? stderr : '' }).toEqual({ errors: [], stderr: '' });
  });

  it('generates a typed client (openapi-typescript) that compiles in strict mode and reads every field of the stats', async () => {
    await run(bin('openapi-typescript'), [join(workdir, 'openapi.json'), '-o', join(workdir, 'api.d.ts')]);
    const counts = [...LETTER_STATUSES, 'total'].map((status) => `r.letters.${status}`).join(', ');
    const json = (path: string) => `paths['${path}']['get']['responses'][200]['content']['application/json']`;
    const program = `import type { paths } from './api';
type Delivery = ${json('/api/stats/cases/{id}')};
const numbers = (r: Delivery): number[] => [${counts}, r.supporters, ...r.byDay.map((day) => day.sent)];
const days = (r: Delivery): string[] => r.byDay.map((day) => day.date);
export const read = (cases: Delivery, appeals: ${json('/api/stats/appeals/{id}')}, officials: ${json('/api/stats/officials/{id}')}) =>
  [cases, appeals, officials].map((r) => [numbers(r), days(r)]);
export const supporter = (r: ${json('/api/stats/supporters/{id}')}): (number | string)[] => [${counts}, ...r.cases.flatMap((c) => [c.caseId, c.name, c.sent])];
export const overview = (r: ${json('/api/stats/overview')}): (number | string | null)[] =>
  [${counts}, r.throughput.lastHour, ...r.throughput.perMinute.flatMap((m) => [m.minute, m.sent]), ...r.failures.flatMap((f) => [f.status, f.code, f.text, f.count])];
`;
    const compile = (source: string) => {
      writeFileSync(join(workdir, 'client.ts'), source);
      const options: ts.CompilerOptions = { strict: true, noEmit: true, noUncheckedIndexedAccess: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, skipLibCheck: true, types: [] };
      const built = ts.createProgram([join(workdir, 'client.ts')], options);
      return ts.getPreEmitDiagnostics(built).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    };
    expect(compile(program)).toEqual([]);
    // The check can fail: a field the stats do not have does not compile.
    expect(compile(`${program}\nexport const wrong = (r: Delivery): number => r.letters.delivered;\n`)).toEqual([expect.stringContaining("Property 'delivered' does not exist")]);
  });
});
