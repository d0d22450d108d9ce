import { caseFieldsIn, mergeTranslations, translationProblems } from './case-translations';

describe('case translations', () => {
  it('names every bad field', () => {
    expect(translationProblems({ ru: { name: 'Анна', charges: 'x' } }, false)).toEqual([]);
    expect(translationProblems({ RU: {}, ru: { name: 'a\nb', summary: '', color: 'red' }, en: { name: 'x' } }, false)).toEqual([
      'translations.RU: the key must be a two-letter ISO 639-1 code',
      'translations.ru.name must be one line without control characters',
      'translations.ru.summary must be between 1 and 10000 characters',
      'translations.ru.color is not a translated field (name, profession, summary, charges)',
      "translations.en: the case's own fields are its English ones",
    ]);
    expect(translationProblems({ ru: null }, false)).toEqual(['translations.ru must be an object with name, profession, summary or charges']);
    expect(translationProblems({ ru: null, uz: { name: null } }, true)).toEqual([]);
    expect(translationProblems([], false)).toEqual(['translations must be an object keyed by two-letter language code']);
  });

  it('merges a change: given fields replace, nulls clear, the rest stays', () => {
    const stored = { ru: { name: 'Анна', charges: 'Измена' }, uz: { name: 'Anna' } };
    expect(mergeTranslations(stored, { ru: { charges: null, profession: ' журналист ' } })).toEqual({ ru: { name: 'Анна', profession: 'журналист' }, uz: { name: 'Anna' } });
    expect(mergeTranslations(stored, { uz: null })).toEqual({ ru: { name: 'Анна', charges: 'Измена' } });
    expect(mergeTranslations(stored, null)).toEqual({});
  });

  it('gives the fields in a language, and what it lacks', () => {
    const record = { name: 'Anna', profession: 'journalist', summary: 'Jailed.', charges: null, translations: { ru: { name: 'Анна' } } };
    expect(caseFieldsIn(record, 'en')).toEqual({ fields: { name: 'Anna', profession: 'journalist', summary: 'Jailed.', charges: null }, untranslated: [] });
    // charges is not set in English, so it needs no translation; nothing English is used in Russian.
    expect(caseFieldsIn(record, 'ru')).toEqual({ fields: { name: 'Анна', profession: null, summary: null, charges: null }, untranslated: ['profession', 'summary'] });
  });
});
