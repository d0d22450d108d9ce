import { letterContext, safeSigning, signatureStylesFor } from './letter-context';
import type { ContextParts } from './letter-context';

function partsFor(risk: 'normal' | 'high', signatureStyle: 'full' | 'initials' | 'anonymous'): ContextParts {
  return {
    case: { name: 'Rukhshona Hakimova', country: 'TJ', profession: null, status: 'detained', summary: 'A journalist.', charges: null, detainedOn: null, risk },
    official: { name: 'Emomali Rahmon', title: 'President', salutation: null, organisation: null, language: 'en' },
    supporter: { name: 'Jane Marie Doe', city: 'Dushanbe', country: 'CA', signatureStyle },
    note: null,
    appealTitle: 'Free Rukhshona',
    date: new Date('2026-05-01T12:00:00Z'),
  };
}

describe('safeSigning', () => {
  it('keeps a normal case as the signer chose, with the city unless anonymous', () => {
    expect(safeSigning('normal', 'full', 'Dushanbe')).toEqual({ style: 'full', city: 'Dushanbe' });
    expect(safeSigning('normal', 'anonymous', 'Dushanbe')).toEqual({ style: 'anonymous', city: null });
    expect(safeSigning(undefined, 'initials', 'Dushanbe')).toEqual({ style: 'initials', city: 'Dushanbe' });
  });

  it('turns a full name into initials and drops the city for a high-risk case', () => {
    expect(safeSigning('high', 'full', 'Dushanbe')).toEqual({ style: 'initials', city: null });
    expect(safeSigning('high', 'initials', 'Dushanbe')).toEqual({ style: 'initials', city: null });
    expect(safeSigning('high', 'anonymous', 'Dushanbe')).toEqual({ style: 'anonymous', city: null });
  });

  it('offers no full name for a high-risk case', () => {
    expect(signatureStylesFor('high')).toEqual(['initials', 'anonymous']);
    expect(signatureStylesFor('normal')).toEqual(['full', 'initials', 'anonymous']);
  });
});

describe('letterContext and risk', () => {
  it('gives a high-risk letter no full name and no city, whatever the stored style', () => {
    const context = letterContext(partsFor('high', 'full'));
    expect(context.supporter.signature).not.toContain('Jane Marie Doe');
    expect(context.supporter.signature).not.toContain('Doe');
    expect(context.supporter.city).toBeNull();
  });

  it('gives a normal case the full name and the city', () => {
    const context = letterContext(partsFor('normal', 'full'));
    expect(context.supporter.signature).toBe('Jane Marie Doe');
    expect(context.supporter.city).toBe('Dushanbe');
  });
});
