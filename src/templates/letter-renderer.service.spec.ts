import { LetterParts, LetterRendererService } from './letter-renderer.service';
import { TemplateCacheService } from './template-cache.service';

const TEMPLATES = Object.freeze([
  Object.freeze({
    id: 'tpl-ru',
    version: 1,
    kind: 'appeal' as const,
    language: 'ru',
    subject: 'Об освобождении {{case.name}}',
    body: '{{official.salutation}},\n\n{{case.summary}}\n{{#if note}}\n{{note}}\n{{/if}}\n{{date}}\n{{supporter.signature}}{{#if supporter.city}}, {{supporter.city}}{{/if}} ({{supporter.countryName}})',
  }),
  Object.freeze({
    id: 'tpl-en',
    version: 3,
    kind: 'appeal' as const,
    language: 'en',
    subject: 'Release {{case.name}} now, from {{supporter.signature}}',
    body: 'Dear {{official.title}},\n\n{{case.summary}}\n{{#if note}}\n{{note}}\n{{/if}}\n\n{{supporter.signature}}{{#if supporter.city}}, {{supporter.city}}{{/if}}',
  }),
]);

const frozenCase = Object.freeze({
  name: 'Aziz Karimov',
  country: 'UZ',
  profession: 'journalist',
  status: 'detained' as const,
  summary: 'Detained for reporting on forced labour.',
  charges: null,
  detainedOn: '2024-03-01',
  risk: 'normal' as const,
  translations: Object.freeze({ ru: Object.freeze({ name: 'Азиз Каримов', summary: 'Задержан за репортажи о принудительном труде.' }) }),
});
const frozenOfficial = Object.freeze({ name: 'A. Official', title: 'Prosecutor General', salutation: 'Уважаемый Генеральный прокурор', organisation: null, language: 'ru' });

const signers: LetterParts['supporter'][] = [
  { name: 'Jane Marie Doe', city: 'Toronto', country: 'CA', signatureStyle: 'full' },
  { name: 'Олег Петров', city: 'Казань', country: 'RU', signatureStyle: 'full' },
  { name: 'Jean-Luc Picard', city: null, country: 'FR', signatureStyle: 'initials' },
  { name: 'Ana Lima', city: 'Recife', country: 'BR', signatureStyle: 'anonymous' },
  { name: 'Kwame Mensah', city: 'Accra', country: 'GH', signatureStyle: 'full' },
];

function partsOf(supporter: LetterParts['supporter'], note: string | null, frozen: boolean): LetterParts {
  return {
    case: frozen ? frozenCase : { ...frozenCase },
    official: frozen ? frozenOfficial : { ...frozenOfficial },
    supporter,
    note,
    appealTitle: 'Free Aziz Karimov',
    date: new Date('2026-12-03T10:00:00Z'),
  };
}

describe('LetterRendererService.renderForSigner', () => {
  it('gives each signer of the month the same letter as renderFor, byte for byte, in either template', () => {
    const renderer = new LetterRendererService(new TemplateCacheService());
    for (const language of ['ru', 'en', 'de']) {
      for (const note of [null, 'Please, free him.\nNow.']) {
        for (const supporter of signers) {
          const whole = renderer.renderFor(TEMPLATES, language, partsOf(supporter, note, false))!;
          const signed = renderer.renderForSigner(TEMPLATES, language, partsOf(supporter, note, true))!;
          expect({ subject: signed.subject, body: signed.body, language: signed.language }).toEqual({ subject: whole.subject, body: whole.body, language: whole.language });
          expect(signed.context.supporter).toEqual(whole.context.supporter);
          expect(signed.context.note).toEqual(whole.context.note);
        }
      }
    }
  });

  it('runs the template once per signer shape, not once per signer, for frozen content', () => {
    const cache = new TemplateCacheService();
    const renderer = new LetterRendererService(cache);
    const compiled = cache.compiledOf(TEMPLATES[0]);
    const render = jest.spyOn(compiled, 'render');
    const skeleton = jest.spyOn(compiled, 'signerSkeleton');
    for (let round = 0; round < 3; round += 1) for (const supporter of signers) renderer.renderForSigner(TEMPLATES, 'ru', partsOf(supporter, null, true));
    // Shapes: city set (3 signers, anonymous drops the city) and no city (initials without one, anonymous).
    expect(skeleton).toHaveBeenCalledTimes(2);
    expect(render).not.toHaveBeenCalled();

    renderer.renderForSigner(TEMPLATES, 'ru', partsOf(signers[0], null, false));
    expect(render).toHaveBeenCalledTimes(1);
  });
});
