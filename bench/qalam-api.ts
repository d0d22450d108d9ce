import { request } from 'node:http';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
    body: string,
  ) {
    super(`${path} answered ${status}: ${body.slice(0, 500)}`);
  }
}

/**
 * qalam's public HTTP API, as a coordinator sees it. node:http rather than fetch: a launch of
 * a million letters may take minutes, longer than fetch waits for response headers.
 */
export class QalamApi {
  private token: string | null = null;

  constructor(private readonly baseUrl: string) {}

  async login(email: string, password: string): Promise<void> {
    const { accessToken } = await this.post<{ accessToken: string }>('/api/auth/login', { email, password });
    this.token = accessToken;
  }

  async post<T>(path: string, body?: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  async get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  private call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    return new Promise<T>((resolve, reject) => {
      const req = request(new URL(path, this.baseUrl), { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) {
            reject(new ApiError(status, `${method} ${path}`, text));
            return;
          }
          try {
            resolve((text ? JSON.parse(text) : undefined) as T);
          } catch {
            reject(new ApiError(status, `${method} ${path}`, `not JSON: ${text}`));
          }
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }
}

export interface Campaign {
  caseId: string;
  officialIds: string[];
  templateId: string;
  appealId: string;
}

/** A short, realistic appeal in English, using the variables a coordinator would. */
export const BENCH_TEMPLATE = {
  name: 'Bench appeal (en)',
  kind: 'appeal',
  language: 'en',
  subject: 'Appeal on behalf of {{case.name}}',
  body: `{{official.salutation}},

I am writing to express my deep concern for {{case.name}}, a journalist detained for reporting on the cotton harvest. I understand that {{case.name}} is held for nothing more than the peaceful exercise of the right to freedom of expression, which international human rights law protects.

I respectfully urge you to release {{case.name}} immediately and unconditionally. Until then, please ensure that {{case.name}} is protected from torture and other ill-treatment, and has regular access to family, to a lawyer of their choosing and to any medical care they need.
{{#if note}}

{{note}}
{{/if}}

Thank you for your attention. I will continue to follow this case closely.

Yours respectfully,

{{supporter.signature}}
`,
};

/** Creates what a coordinator creates before a launch: a case, officials, a template, a draft appeal. */
export async function createCampaign(api: QalamApi, officials: number): Promise<Campaign> {
  // A fictional case: the bench never writes about a real person.
  const record = await api.post<{ id: string }>('/api/cases', {
    name: 'Dilnoza Rahimova',
    country: 'UZ',
    profession: 'journalist',
    status: 'detained',
    summary: 'A fictional journalist, detained after reporting on forced labour in the cotton harvest (benchmark data).',
    detainedOn: '2024-03-14',
    charges: 'Dissemination of false information',
  });
  const officialIds: string[] = [];
  for (let index = 1; index <= officials; index += 1) {
    const official = await api.post<{ id: string }>('/api/officials', {
      name: `Official ${index}`,
      title: 'Prosecutor General',
      salutation: 'Dear Prosecutor General',
      organisation: 'Office of the Prosecutor General',
      country: 'UZ',
      email: `official${index}@prosecutor.example`,
      language: 'en',
      timezone: 'Asia/Tashkent',
    });
    officialIds.push(official.id);
  }
  const template = await api.post<{ id: string }>('/api/templates', BENCH_TEMPLATE);
  const appeal = await api.post<{ id: string }>('/api/appeals', {
    caseId: record.id,
    title: 'Free Dilnoza Rahimova',
    templateIds: [template.id],
    officialIds,
  });
  return { caseId: record.id, officialIds, templateId: template.id, appealId: appeal.id };
}
