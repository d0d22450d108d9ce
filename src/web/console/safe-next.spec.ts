import { safeNext } from './safe-next';

describe(safeNext.name, () => {
  it('keeps a path of this site, with its query', () => {
    expect(safeNext('/console/appeals?status=open')).toBe('/console/appeals?status=open');
    expect(safeNext('/admin')).toBe('/admin');
  });

  it('sends anything else to /console', () => {
    for (const next of [undefined, '', 'https://evil.example/', '//evil.example/x', '/\\evil.example', '\\\\evil.example', 'javascript:alert(1)', '/console\n', '/login?next=/x', '/logout', ['/console'], 'console']) {
      expect(safeNext(next)).toBe('/console');
    }
  });
});
