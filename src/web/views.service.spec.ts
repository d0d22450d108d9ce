import { catalogueOf } from '../common/i18n/messages';
import { inlineWords, ViewsService } from './views.service';

const layout = { title: 'A <title>', nav: [{ href: '/sign/t?a=1&b=2', label: 'Mine', current: true }], unsubscribeUrl: '/unsubscribe/t' };

describe(ViewsService.name, () => {
  const sut = new ViewsService({ production: false });

  it('wraps a page in the layout: language, landmarks, skip link, hashed stylesheet', () => {
    const html = sut.render('problem', { heading: 'Heading', paragraphs: ['One'] }, layout);
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<a class="skip-link" href="#main">');
    expect(html).toContain('<main id="main"');
    expect(html).toContain('<nav aria-label="Your pages">');
    expect(html).toContain('aria-current="page"');
    expect(html).toContain('<footer');
    expect(html).toMatch(/<link rel="stylesheet" href="\/assets\/qalam-[0-9a-f]{12}\.css">/);
    expect(sut.stylesheetPath).toMatch(/^\/assets\/qalam-[0-9a-f]{12}\.css$/);
  });

  it('escapes every value, in text and in attributes', () => {
    const html = sut.render('problem', { heading: '<script>alert(1)</script>', paragraphs: ['"quoted" & <b>bold</b>'] }, layout);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain('<title>A &lt;title&gt; · qalam</title>');
    expect(html).toContain('href="/sign/t?a&#x3D;1&amp;b&#x3D;2"');
  });

  it('refuses a field the view names but the model lacks (strict), and an unknown view', () => {
    expect(() => sut.render('problem', { paragraphs: [] }, layout)).toThrow(/"heading" not defined/);
    expect(() => sut.render('nope', {}, layout)).toThrow("no view named 'nope'");
  });

  it('sets a static message into the source as the helper would give it, and leaves the rest to the helper', () => {
    const en = catalogueOf('en');
    const source = '<a title="{{t "nav.month"}}">{{t "nav.letters"}}</a> {{t "sign.lede" month=month name=name}} {{t "no.such.key"}}';
    const inlined = inlineWords(source, en);
    expect(inlined).toBe(`<a title="${en.t('nav.month')}">${en.t('nav.letters')}</a> {{t "sign.lede" month=month name=name}} {{t "no.such.key"}}`);
    expect(inlineWords('{{t "letters.letterCount"}}', en)).toBe('{{t "letters.letterCount"}}');
  });

  it('renders every language the same with its words set in as through the helper', () => {
    for (const language of ['en', 'ru', 'de']) {
      const html = sut.render('problem', { heading: 'H', paragraphs: ['P'] }, { ...layout, language });
      const words = catalogueOf(language);
      expect(html).toContain(`<a class="skip-link" href="#main">${words.t('layout.skip')}</a>`);
      expect(html).toMatch(new RegExp(`<html lang="${language}">`));
    }
    expect(() => sut.render('problem', { heading: 'H', paragraphs: [] }, { ...layout, language: 'ru' })).not.toThrow();
  });

  describe('in production', () => {
    const production = new ViewsService({ production: true });
    const members = {
      filters: { q: 'a&b', role: '', active: '', language: 'ru' },
      isAdmin: true,
      roles: [{ value: 'member', label: 'member', selected: true }],
      languages: [{ value: 'ru', selected: true }],
      activeChoices: [{ value: 'true', label: 'active', selected: false }],
      members: [
        { id: '0190a0e2-0000-7000-8000-000000000001', name: 'Ольга <Ким>', email: 'olga@example.org', language: 'ru', roleName: 'member', activeName: 'yes' },
        { id: '0190a0e2-0000-7000-8000-000000000002', name: 'Jonas "J" O\'Kafor', email: 'j@example.org', language: 'en', roleName: 'admin', activeName: 'no' },
      ],
      nextHref: '/console/members?after=0190a0e2-0000-7000-8000-000000000002',
      firstHref: null,
      csrf: 'token',
    };

    it('renders what the strict views render, for pages with rows, conditions and partials', () => {
      for (const language of ['en', 'ru']) {
        expect(production.render('console-members', members, { ...layout, language })).toBe(sut.render('console-members', members, { ...layout, language }));
        const problem = { heading: 'H', paragraphs: ['One', 'Two'] };
        expect(production.render('problem', problem, { ...layout, language })).toBe(sut.render('problem', problem, { ...layout, language }));
      }
    });

    it('renders a field the model lacks blank, not as an error page', () => {
      const html = production.render('problem', { paragraphs: ['One'] }, layout);
      expect(html).toContain('<main id="main"');
      expect(html).toContain('One');
      expect(() => sut.render('problem', { paragraphs: ['One'] }, layout)).toThrow(/"heading" not defined/);
    });
  });
});
