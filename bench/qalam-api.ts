import { Agent, IncomingHttpHeaders, request } from 'node:http';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
    body: string,
  ) {
    super(`${path} answered ${status}: ${body.slice(0, 500)}`);
  }
}

export interface TimedResponse {
  /** From just before the request is written to the last byte of the response, in ms. */
  ms: number;
  status: number;
  body: string;
  /** Whether the request went out on a connection an earlier request had opened. */
  reusedSocket: boolean;
  headers: IncomingHttpHeaders;
}

/** A request body: JSON, or a form as a browser posts it (application/x-www-form-urlencoded). */
type Body = { json: unknown } | { form: Record<string, string> };

/**
 * qalam's public HTTP API, as a coordinator sees it. node:http rather than fetch: a launch of
 * a million letters may take minutes, longer than fetch waits for response headers.
 */
export class QalamApi {
  private token: string | null = null;
  /** Cookies the server set (name -> value), sent back on every request: a browser's jar, without paths or expiry. */
  private readonly cookies = new Map<string, string>();
  /** Connections opened so far; 1 for a whole measurement when keep-alive holds. */
  connectionsOpened = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly agent?: Agent,
  ) {}

  /**
   * A client that keeps one connection open (keepAlive, one socket), so every timed request
   * after the first pays neither a TCP handshake nor a new socket: what is left is the
   * server's work and loopback. Requests are made one at a time.
   */
  static keepAlive(baseUrl: string): QalamApi {
    return new QalamApi(baseUrl, new Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 }));
  }

  /** Another client (its own token and cookies) on this one's connection. */
  sameConnection(): QalamApi {
    return new QalamApi(this.baseUrl, this.agent);
  }

  async login(email: string, password: string): Promise<void> {
    const { accessToken } = await this.post<{ accessToken: string }>('/api/auth/login', { email, password });
    this.token = accessToken;
  }

  /**
   * Signs in to the staff console as a browser does: GET /login for the form's `_csrf` field
   * (and its cookie), then POST /login with it; the session cookie is kept for the pages.
   */
  async signInToConsole(email: string, password: string): Promise<void> {
    const form = await this.send('GET', '/login', undefined, 'text/html');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
    if (form.status !== 200 || !csrf) throw new ApiError(form.status, 'GET /login (no _csrf field)', form.body);
    const signedIn = await this.send('POST', '/login', { form: { _csrf: csrf, email, password } }, 'text/html');
    if (signedIn.status !== 303 || !this.cookies.has('qalam_session')) throw new ApiError(signedIn.status, 'POST /login (no session cookie)', signedIn.body);
  }

  /** The `Cookie` header this client sends (its session, once signed in), for another client to send; null before any cookie. */
  cookieHeader(): string | null {
    return this.cookies.size > 0 ? [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') : null;
  }

  async post<T>(path: string, body?: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  async patch<T>(path: string, body?: unknown): Promise<T> {
    return this.call<T>('PATCH', path, body);
  }

  async get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  /** A GET that must answer 200, with its raw body; the caller times it through `ms`. A page asks for `text/html`. */
  async timedGet(path: string, accept = 'application/json'): Promise<TimedResponse> {
    const response = await this.send('GET', path, undefined, accept);
    if (response.status !== 200) throw new ApiError(response.status, `GET ${path}`, response.body);
    return response;
  }

  close(): void {
    this.agent?.destroy();
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const { status, body: text } = await this.send(method, path, body === undefined ? undefined : { json: body });
    if (status < 200 || status >= 300) throw new ApiError(status, `${method} ${path}`, text);
    try {
      return (text ? JSON.parse(text) : undefined) as T;
    } catch {
      throw new ApiError(status, `${method} ${path}`, `not JSON: ${text}`);
    }
  }

  private send(method: string, path: string, body?: Body, accept = 'application/json'): Promise<TimedResponse> {
    const payload = body === undefined ? undefined : Buffer.from('json' in body ? JSON.stringify(body.json) : new URLSearchParams(body.form).toString());
    const headers: Record<string, string> = { accept };
    if (payload && body) {
      headers['content-type'] = 'json' in body ? 'application/json' : 'application/x-www-form-urlencoded';
      headers['content-length'] = String(payload.length);
    }
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const cookie = this.cookieHeader();
    if (cookie) headers.cookie = cookie;
    return new Promise<TimedResponse>((resolve, reject) => {
      const started = process.hrtime.bigint();
      const req = request(new URL(path, this.baseUrl), { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          if (!req.reusedSocket) this.connectionsOpened += 1;
          for (const cookie of res.headers['set-cookie'] ?? []) {
            const [pair] = cookie.split(';');
            const equals = pair.indexOf('=');
            const [name, value] = [pair.slice(0, equals).trim(), pair.slice(equals + 1).trim()];
            // A cleared cookie comes back empty (and expired).
            if (equals > 0 && value) this.cookies.set(name, value);
            else if (equals > 0) this.cookies.delete(name);
          }
          resolve({ ms, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), reusedSocket: req.reusedSocket, headers: res.headers });
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
  /** Draft appeals of the case, each to every official. */
  appealIds: string[];
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

/**
 * Creates what a coordinator creates before a launch: a case, its officials, a template and
 * `appeals` draft appeals of the case, each to every official.
 */
export async function createCampaign(api: QalamApi, officials: number, appeals = 1): Promise<Campaign> {
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
  const appealIds: string[] = [];
  for (let index = 1; index <= appeals; index += 1) {
    const appeal = await api.post<{ id: string }>('/api/appeals', {
      caseId: record.id,
      title: appeals === 1 ? 'Free Dilnoza Rahimova' : `Free Dilnoza Rahimova (${index})`,
      templateIds: [template.id],
      officialIds,
    });
    appealIds.push(appeal.id);
  }
  return { caseId: record.id, officialIds, templateId: template.id, appealIds };
}
