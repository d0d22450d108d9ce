import { describeCharacters, unsupportedCharacters } from './fonts';

describe('unsupportedCharacters', () => {
  it('sets Latin, Cyrillic, Tajik and Uzbek (both scripts) and the punctuation of letters', () => {
    const texts = [
      'Dear Prosecutor General, I urge you — “immediately” — to release her; ½ € № §',
      'Уважаемый господин Генеральный прокурор! «Освободите её».',
      'Тоҷикистон: ӣ ӯ қ ғ ҳ ҷ Ӣ Ӯ Қ Ғ Ҳ Ҷ',
      'Oʻzbekiston, gʻalaba, maʼno (oʻ gʻ ʼ) and Ўзбекистон: ў қ ғ ҳ Ў Қ Ғ Ҳ',
      'Çà et là, Łódź, Straße, Türkiye, ĞŞİ ğşı, Ñuñoa, Ørsted',
      'line one\nline two\r\n\ttabbed',
    ];
    for (const text of texts) expect(unsupportedCharacters(text)).toEqual([]);
  });

  it('names each character the fonts lack once, in order of first appearance', () => {
    expect(unsupportedCharacters('سلام س 😀 中 ok 😀')).toEqual(['س', 'ل', 'ا', 'م', '😀', '中']);
  });

  it('counts control characters as unsettable, except line breaks and tabs', () => {
    expect(unsupportedCharacters('a\u0007b\nc\td')).toEqual(['\u0007']);
  });
});

describe('describeCharacters', () => {
  it('gives the code point and the character, or the code alone for an invisible one', () => {
    expect(describeCharacters(['س', '😀', '\u0007'])).toBe('U+0633 س, U+1F600 😀, U+0007');
  });
});
