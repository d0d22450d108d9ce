import type { Request } from 'express';
import { isCrossSite } from './page-response';

const PUBLIC_URL = 'https://letters.example.org';
const post = (headers: Record<string, string>) => ({ headers: { host: '127.0.0.1:3000', ...headers } }) as unknown as Request;

describe('isCrossSite', () => {
  it('accepts a post from PUBLIC_URL or from the host it was sent to', () => {
    expect(isCrossSite(post({ origin: 'https://letters.example.org' }), PUBLIC_URL)).toBe(false);
    expect(isCrossSite(post({ origin: 'http://127.0.0.1:3000' }), PUBLIC_URL)).toBe(false);
    expect(isCrossSite(post({ referer: 'https://letters.example.org/sign/abc' }), PUBLIC_URL)).toBe(false);
  });

  it('refuses another site, Origin null, and a header that is no URL', () => {
    expect(isCrossSite(post({ origin: 'https://evil.example' }), PUBLIC_URL)).toBe(true);
    expect(isCrossSite(post({ origin: 'https://letters.example.org.evil.example' }), PUBLIC_URL)).toBe(true);
    expect(isCrossSite(post({ referer: 'https://evil.example/page' }), PUBLIC_URL)).toBe(true);
    expect(isCrossSite(post({ origin: 'null' }), PUBLIC_URL)).toBe(true);
    // Origin wins over a Referer that would pass.
    expect(isCrossSite(post({ origin: 'https://evil.example', referer: 'https://letters.example.org/' }), PUBLIC_URL)).toBe(true);
  });

  it('lets through a client that sends neither header (no browser a third-party page could drive)', () => {
    expect(isCrossSite(post({}), PUBLIC_URL)).toBe(false);
  });
});
