import { CacheableTemplate, TemplateCacheService } from './template-cache.service';
import { TemplateInvalidError } from './template-engine';

function aTemplate(overrides: Partial<CacheableTemplate> = {}): CacheableTemplate {
  return { id: 'tpl-1', version: 1, kind: 'appeal', subject: 'Release {{case.name}}', body: '{{official.salutation}},\n\n{{supporter.signature}}', ...overrides };
}

function setup(capacity?: number) {
  return { sut: new TemplateCacheService(capacity) };
}

describe(TemplateCacheService.name, () => {
  it('compiles a template once per id and version', () => {
    const { sut } = setup();
    const first = sut.compiledOf(aTemplate());
    expect(sut.compiledOf(aTemplate())).toBe(first);
    expect(sut.size).toBe(1);
  });

  it('compiles a new version again, so an edited template is never rendered from its old text', () => {
    const { sut } = setup();
    const old = sut.compiledOf(aTemplate());
    const edited = sut.compiledOf(aTemplate({ version: 2, subject: 'Free {{case.name}}' }));
    expect(edited).not.toBe(old);
    expect(edited.variables.has('case.name')).toBe(true);
    expect(sut.size).toBe(2);
  });

  it('keeps the same id of another kind apart (default files share ids across kinds)', () => {
    const { sut } = setup();
    const appeal = sut.compiledOf(aTemplate({ id: 'default/en' }));
    const invitation = sut.compiledOf(aTemplate({ id: 'default/en', kind: 'invitation', body: '{{signUrl}}' }));
    expect(invitation).not.toBe(appeal);
  });

  it('is bounded: the least recently used template goes first and memory stays flat', () => {
    const { sut } = setup(3);
    const a = sut.compiledOf(aTemplate({ id: 'a' }));
    sut.compiledOf(aTemplate({ id: 'b' }));
    sut.compiledOf(aTemplate({ id: 'c' }));
    // Using `a` makes `b` the least recently used.
    expect(sut.compiledOf(aTemplate({ id: 'a' }))).toBe(a);
    const d = sut.compiledOf(aTemplate({ id: 'd' }));
    expect(sut.size).toBe(3);
    expect(sut.compiledOf(aTemplate({ id: 'a' }))).toBe(a);
    expect(sut.compiledOf(aTemplate({ id: 'd' }))).toBe(d);
    // `b` was evicted: asking for it compiles it again, evicting the next least recently used (`c`).
    sut.compiledOf(aTemplate({ id: 'b' }));
    expect(sut.size).toBe(3);
    for (let index = 0; index < 1000; index += 1) sut.compiledOf(aTemplate({ id: `t${index}` }));
    expect(sut.size).toBe(3);
  });

  it('has a default bound of a few hundred', () => {
    const { sut } = setup();
    expect(sut.capacity).toBe(300);
    for (let index = 0; index < 400; index += 1) sut.compiledOf(aTemplate({ id: `t${index}` }));
    expect(sut.size).toBe(300);
  });

  it('refuses a template that does not validate, and caches nothing for it', () => {
    const { sut } = setup();
    expect(() => sut.compiledOf(aTemplate({ body: '{{official.email}}' }))).toThrow(TemplateInvalidError);
    expect(sut.size).toBe(0);
  });
});
