import { chooseTemplate } from './template-choice';

const english = { id: 'en-1', language: 'en' };
const russian = { id: 'ru-1', language: 'ru' };
const french = { id: 'fr-1', language: 'fr' };

describe(chooseTemplate.name, () => {
  it("takes the template in the reader's language", () => {
    expect(chooseTemplate([english, russian], 'ru')).toBe(russian);
    expect(chooseTemplate([russian, english], 'en')).toBe(english);
  });

  it("falls back on the first template in the coordinator's order, not the oldest nor English", () => {
    expect(chooseTemplate([russian, english], 'uz')).toBe(russian);
    expect(chooseTemplate([french, english, russian], 'tg')).toBe(french);
    expect(chooseTemplate([english, french], 'tg')).toBe(english);
  });

  it('has nothing to choose from an empty list', () => {
    expect(chooseTemplate([], 'en')).toBeUndefined();
  });
});
