import { CONSENT_VERSION, countryChoices, joinFormView, parseJoinForm } from './join-form';

const LANGUAGES = ['en', 'ru'];
const valid = { name: ' Ann Joiner ', email: 'Ann@Example.org', country: 'fr', city: 'Lyon', language: 'ru', consent: 'yes', consentVersion: CONSENT_VERSION };

describe('parseJoinForm', () => {
  it('turns a valid form into the signup input, consent explicit and versioned', () => {
    const { request, problems } = parseJoinForm(valid, LANGUAGES);
    expect(problems).toEqual([]);
    expect(request).toEqual({ name: 'Ann Joiner', email: 'ann@example.org', country: 'FR', city: 'Lyon', language: 'ru', consent: true, consentVersion: CONSENT_VERSION });
    expect(parseJoinForm({ ...valid, city: '' }, LANGUAGES).request).not.toHaveProperty('city');
  });

  it('names every field that is wrong, and never accepts missing consent or an old consent text', () => {
    const { request, problems } = parseJoinForm({ consentVersion: '2000-01-01', email: 'nope', language: 'xx' }, LANGUAGES);
    expect(request).toBeNull();
    expect(problems.map((problem) => problem.field).sort()).toEqual(['consent', 'consentVersion', 'country', 'email', 'language', 'name']);
    expect(parseJoinForm({ ...valid, consent: 'on' }, LANGUAGES).problems.map((p) => p.field)).toEqual(['consent']);
    expect(parseJoinForm({ ...valid, name: 'Ann\nBcc: x' }, LANGUAGES).problems.map((p) => p.field)).toEqual(['name']);
  });
});

describe('joinFormView', () => {
  it('lists every ISO country by name, and links each problem to its field', () => {
    const countries = countryChoices();
    expect(countries.length).toBeGreaterThan(240);
    expect(countries).toContainEqual({ code: 'TJ', name: 'Tajikistan' });
    const view = joinFormView({ name: '', email: '', country: 'TJ', city: '', language: 'en', consent: false }, [{ field: 'consentVersion', message: 'read again' }], LANGUAGES);
    expect(view.problems).toEqual([{ message: 'read again', href: '#join-consent' }]);
    expect(view.country.options).toContain('<option value="TJ" selected>Tajikistan</option>');
    expect(view.country.options.match(/<option /g)).toHaveLength(countries.length);
    expect(view.country.options.match(/ selected>/g)).toHaveLength(1);
    // Escaped once: a name with an apostrophe or ampersand is HTML.
    expect(joinFormView({ name: '', email: '', country: '', city: '', language: 'en', consent: false }, [], LANGUAGES).country.options).toContain('>Trinidad &amp; Tobago<');
    expect(view.language.choices).toEqual([
      { code: 'en', name: 'English', selected: true },
      { code: 'ru', name: 'Русский', selected: false },
    ]);
  });
});
