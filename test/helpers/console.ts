import { request as httpRequest } from 'node:http';

/** The cookies one browser holds for the app: what Set-Cookie gave it, less what it cleared. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const cleared = value === '' || attributes.some((attribute) => /^\s*expires=thu, 01 jan 1970/i.test(attribute) || /^\s*max-age=0\s*$/i.test(attribute));
      if (cleared) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
}

/** A file of a multipart post; '' as filename and an empty content is what a browser sends when no file was chosen. */
export interface FilePart {
  content: string | Uint8Array;
  filename: string;
  type: string;
}

export interface PageResponse {
  status: number;
  body: string;
  headers: Headers;
  location: string | null;
}

/** A browser-like client: cookies kept, redirects not followed, forms posted urlencoded. */
export class Browserish {
  readonly jar = new CookieJar();

  constructor(readonly baseUrl: string) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<PageResponse> {
    return this.send('GET', path, headers);
  }

  /** Posts a form; `fields` go in order, an array value as repeated fields. */
  async post(path: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<PageResponse> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) for (const one of ([] as string[]).concat(value)) body.append(name, one);
    return this.send('POST', path, { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body.toString());
  }

  /** Posts a multipart form as a browser does: `parts` in order (a file as its bytes, name and type). */
  async postMultipart(path: string, parts: [string, string | FilePart][], headers: Record<string, string> = {}): Promise<PageResponse> {
    const form = new FormData();
    for (const [name, value] of parts) {
      if (typeof value === 'string') form.append(name, value);
      else form.append(name, new Blob([value.content], { type: value.type }), value.filename);
    }
    return this.send('POST', path, headers, form);
  }

  async send(method: string, path: string, headers: Record<string, string> = {}, body?: string | FormData): Promise<PageResponse> {
    const cookie = this.jar.header();
    const response = await fetch(this.baseUrl + path, { method, body, redirect: 'manual', headers: { ...(cookie ? { cookie } : {}), ...headers } });
    this.jar.take(response);
    return { status: response.status, body: await response.text(), headers: response.headers, location: response.headers.get('location') };
  }

  /** Signs in through GET and POST /login; the response of the post. */
  async signIn(email: string, password: string, next?: string): Promise<PageResponse> {
    const form = await this.get('/login');
    return this.post('/login', { _csrf: csrfOf(form.body), email, password, ...(next !== undefined ? { next } : {}) });
  }
}

/** The `_csrf` hidden field of the first form on a page. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no _csrf field on the page');
  return match[1];
}

/** A raw GET (node:http, so nothing decodes the body): the encoding the server chose and the bytes it sent. */
export function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; encoding: string | undefined; vary: string | undefined; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, encoding: response.headers['content-encoding'], vary: response.headers.vary as string | undefined, bytes: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}
