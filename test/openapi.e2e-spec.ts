import { startTestApp, TestApp } from './helpers/test-app';

/** The public API's paths (../shared/DESIGN.md), in OpenAPI's {param} form. */
const CONTRACT: [string, string][] = [
  ['post', '/api/auth/login'],
  ['post', '/api/supporters/import'],
  ['get', '/api/me'],
  ['get', '/api/me/letters'],
  ['post', '/api/unsubscribe/{token}'],
  ['post', '/api/cases'],
  ['patch', '/api/cases/{id}'],
  ['get', '/api/cases'],
  ['get', '/api/cases/{id}'],
  ['post', '/api/cases/{id}/events'],
  ['post', '/api/officials'],
  ['post', '/api/appeals/{id}/launch'],
  ['post', '/api/appeals/{id}/pause'],
  ['post', '/api/appeals/{id}/resume'],
  ['post', '/api/appeals/{id}/cancel'],
  ['get', '/api/appeals/{id}'],
  ['post', '/api/appeals/{id}/signatures'],
  ['post', '/api/cycles'],
  ['post', '/api/cycles/{id}/open'],
  ['get', '/api/stats/overview'],
  ['get', '/api/stats/cases/{id}/letters.csv'],
];

describe('OpenAPI at /api/docs', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp('openapi');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('serves the document as JSON with every path of the contract', async () => {
    const response = await app.api.get('/api/docs-json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toMatch(/^3\./);
    const paths = response.body.paths as Record<string, Record<string, unknown>>;
    const missing = CONTRACT.filter(([method, path]) => !paths[path]?.[method]).map(([method, path]) => `${method.toUpperCase()} ${path}`);
    expect(missing).toEqual([]);
  });

  it('serves the UI', async () => {
    const response = await app.api.get<string>('/api/docs');
    expect(response.status).toBe(200);
    expect(response.body).toContain('swagger-ui');
  });
});
