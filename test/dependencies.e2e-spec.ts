import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The registry's audit service cannot be reached from where qalam is built, so the floors that
 * known advisories set are held here against what is actually installed (not what
 * package.json asks for: a lock file or a hoisted copy can differ).
 */
const FLOORS: Record<string, string> = {
  handlebars: '4.7.10',
  nodemailer: '9.0.5',
  typeorm: '1.1.0',
  'class-validator': '0.14.2',
  bullmq: '6.0.7',
};

function installedVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/** Release numbers only: a pre-release (1.2.0-rc.1) ranks below its release, as semver has it. */
function compare(a: string, b: string): number {
  const parse = (version: string) => {
    const [release, prerelease] = version.split('+')[0].split('-', 2);
    const parts = release.split('.').map((part) => Number.parseInt(part, 10));
    if (parts.length !== 3 || parts.some((part) => !Number.isInteger(part))) throw new Error(`not a version: ${version}`);
    return { parts, prerelease: prerelease !== undefined };
  };
  const left = parse(a);
  const right = parse(b);
  for (let i = 0; i < 3; i++) if (left.parts[i] !== right.parts[i]) return left.parts[i] - right.parts[i];
  return Number(right.prerelease) - Number(left.prerelease);
}

describe('dependency floors', () => {
  it('compares versions the way semver does', () => {
    expect(compare('4.7.10', '4.7.9')).toBeGreaterThan(0);
    expect(compare('0.14.1', '0.14.2')).toBeLessThan(0);
    expect(compare('10.0.0', '9.0.5')).toBeGreaterThan(0);
    expect(compare('1.1.0', '1.1.0')).toBe(0);
    expect(compare('1.1.0-rc.1', '1.1.0')).toBeLessThan(0);
    expect(() => compare('latest', '1.0.0')).toThrow('not a version');
  });

  it.each(Object.entries(FLOORS))('%s is installed at %s or later', (name, floor) => {
    const version = installedVersion(name);
    expect({ name, version, atOrAboveFloor: compare(version, floor) >= 0 }).toEqual({ name, version, atOrAboveFloor: true });
  });
});
