import { mailTag, parseTaggedAddress, readMailTag, taggedAddress } from './mail-tags';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const ID = '0b7c6f1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e';

describe('mail tags', () => {
  it('names a letter or a member and reads back what it names', () => {
    const letter = mailTag(SECRET, { kind: 'letter', id: ID });
    expect(letter).toMatch(/^l[0-9a-f]{48}$/);
    expect(readMailTag(SECRET, letter)).toEqual({ kind: 'letter', id: ID });
    expect(readMailTag(SECRET, mailTag(SECRET, { kind: 'member', id: ID }))).toEqual({ kind: 'member', id: ID });
    expect(`bounce+${letter}`.length).toBeLessThanOrEqual(64);
  });

  it('refuses a tag whose signature does not hold, another secret, another kind, or garbage', () => {
    const letter = mailTag(SECRET, { kind: 'letter', id: ID });
    const flipped = letter.slice(0, -1) + (letter.endsWith('0') ? '1' : '0');
    expect(readMailTag(SECRET, flipped)).toBeNull();
    expect(readMailTag('another-secret-of-thirty-two-characters!', letter)).toBeNull();
    expect(readMailTag(SECRET, `m${letter.slice(1)}`)).toBeNull();
    expect(readMailTag(SECRET, 'garbage')).toBeNull();
    expect(readMailTag(SECRET, '')).toBeNull();
  });

  it('reads a tag whatever case a relay gave it', () => {
    const letter = mailTag(SECRET, { kind: 'letter', id: ID });
    expect(readMailTag(SECRET, letter.toUpperCase())).toEqual({ kind: 'letter', id: ID });
  });

  it('parses the tagged addresses of its own domain only', () => {
    const tag = mailTag(SECRET, { kind: 'letter', id: ID });
    expect(parseTaggedAddress(taggedAddress('bounce', tag, 'in.example'), 'in.example')).toEqual({ purpose: 'bounce', tag });
    expect(parseTaggedAddress(`<Reply+${tag}@IN.example>`, 'in.example')).toEqual({ purpose: 'reply', tag });
    expect(parseTaggedAddress(`bounce+${tag}@other.example`, 'in.example')).toBeNull();
    expect(parseTaggedAddress('abuse@in.example', 'in.example')).toBeNull();
  });
});
