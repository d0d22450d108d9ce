import { loadDefaultTemplates } from './default-templates';
import { compileTemplate, validateTemplate } from './template-engine';

describe('default templates', () => {
  const templates = loadDefaultTemplates();

  it('has every kind in English and Russian', () => {
    const found = templates.map((t) => `${t.language}/${t.kind}`).sort();
    expect(found).toEqual(expect.arrayContaining(['en/appeal', 'en/invitation', 'en/thank-you', 'ru/appeal', 'ru/invitation', 'ru/thank-you']));
  });

  it.each(loadDefaultTemplates().map((t) => [`${t.language}/${t.kind}`, t] as const))('%s passes strict validation and renders', (_name, template) => {
    expect(validateTemplate(template.kind, template.subject, template.body)).toEqual([]);
    const letter = compileTemplate(template.kind, template.subject, template.body).render({
      case: { name: 'Yusuf Dzhumaev', country: 'UZ', countryName: 'Uzbekistan', profession: 'poet', status: 'detained', summary: 'Poet.', charges: null, detainedOn: null, released: false, female: false, male: false },
      official: { name: 'N. Yuldashev', title: 'Prosecutor General', salutation: null, organisation: null },
      supporter: { signature: 'J. D.', city: null, country: 'CA', countryName: 'Canada' },
      note: 'A personal line.',
      appeal: { title: 'Free Yusuf' },
      date: '1 December 2026',
      lettersSent: 3,
      signUrl: 'https://qalam.example/sign/abc',
    });
    expect(letter.subject).toContain(template.kind === 'invitation' ? 'Free Yusuf' : 'Yusuf Dzhumaev');
    expect(letter.body).toContain(template.kind === 'appeal' ? 'A personal line.' : template.kind === 'invitation' ? 'https://qalam.example/sign/abc' : '3');
  });

  it.each(templates.filter((t) => t.kind === 'thank-you').map((t) => [t.language, t] as const))('%s thank-you speaks of a release only when the case is released', (_language, template) => {
    const render = (status: 'released' | 'deceased') =>
      compileTemplate('thank-you', template.subject, template.body).render({
        case: { name: 'Yusuf Dzhumaev', country: 'UZ', countryName: 'Uzbekistan', profession: 'poet', status, summary: 'Poet.', charges: null, detainedOn: null, released: status === 'released', female: false, male: true },
        official: { name: '', title: '', salutation: null, organisation: null },
        supporter: { signature: 'J. D.', city: null, country: 'CA', countryName: 'Canada' },
        note: null,
        appeal: { title: '' },
        date: '1 December 2026',
        lettersSent: 4,
      });
    const free = /free|released|свобод/i;
    const released = render('released');
    expect(`${released.subject}\n${released.body}`).toMatch(free);
    const deceased = render('deceased');
    expect(`${deceased.subject}\n${deceased.body}`).not.toMatch(free);
    expect(deceased.subject).toContain('Yusuf Dzhumaev');
    expect(deceased.body).toContain('4');
  });
});
