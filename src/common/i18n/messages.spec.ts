import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bestLanguage, catalogueOf, flatten, loadCatalogues } from './messages';

const VIEWS = join(__dirname, '..', '..', '..', 'views');

function viewFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? viewFiles(join(dir, entry.name)) : entry.name.endsWith('.hbs') ? [join(dir, entry.name)] : []));
}

describe('message catalogues', () => {
  const catalogues = loadCatalogues();

  it('has English and Russian with the same keys', () => {
    const en = [...catalogues.get('en')!.keys()].sort();
    const ru = [...catalogues.get('ru')!.keys()].sort();
    expect(ru).toEqual(en);
  });

  it('has every message the member pages ask for', () => {
    const en = catalogues.get('en')!;
    const asked = viewFiles(VIEWS)
      .filter((file) => !/dashboard|supporter-history/.test(file))
      .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\{\{t "([\w.-]+)"/g)].map((match) => match[1]));
    expect(asked.length).toBeGreaterThan(50);
    expect(asked.filter((key) => !en.has(key))).toEqual([]);
  });

  it('fills parameters and picks Russian plural forms', () => {
    expect(catalogueOf('en').t('letter.anonymousFrom', { country: 'Canada' })).toBe('a supporter from Canada');
    expect(catalogueOf('ru').t('letters.letterCount', { count: 1 })).toBe('1 письмо');
    expect(catalogueOf('ru').t('letters.letterCount', { count: 3 })).toBe('3 письма');
    expect(catalogueOf('ru').t('letters.letterCount', { count: 11 })).toBe('11 писем');
    expect(catalogueOf('en').t('letters.letterCount', { count: 2 })).toBe('2 letters');
  });

  it('falls back to English for a language without a catalogue, and refuses an unknown key', () => {
    expect(catalogueOf('fr').t('layout.skip')).toBe('Skip to the content');
    expect(() => catalogueOf('en').t('no.such.key')).toThrow(/no\.such\.key/);
  });

  it('reads nested messages and plural objects', () => {
    expect([...flatten({ a: { b: 'x', c: { one: '1', other: 'n' } } }).keys()]).toEqual(['a.b', 'a.c']);
  });

  it('chooses the best language of an Accept-Language header', () => {
    expect(bestLanguage('ru-RU,ru;q=0.9,en;q=0.8', ['en', 'ru'])).toBe('ru');
    expect(bestLanguage('de-DE, en;q=0.5, ru;q=0.7', ['en', 'ru'])).toBe('ru');
    expect(bestLanguage('de', ['en', 'ru'])).toBe('en');
    expect(bestLanguage(undefined, ['en', 'ru'])).toBe('en');
  });
});
