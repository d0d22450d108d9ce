import { noteHeld } from './appeals.service';

describe(noteHeld.name, () => {
  it('holds nothing on none, every note on all, only notes with a link on links', () => {
    expect(noteHeld('none', 'see https://example.org')).toBe(false);
    expect(noteHeld('all', 'Thinking of her.')).toBe(true);
    expect(noteHeld('links', 'Thinking of her.')).toBe(false);
    expect(noteHeld('links', 'Read t.me/freeher')).toBe(true);
  });

  it('never holds a signature without a note', () => {
    expect(noteHeld('all', null)).toBe(false);
    expect(noteHeld('links', null)).toBe(false);
  });
});
