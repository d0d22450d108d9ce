import { Inject, Injectable } from '@nestjs/common';
import { formatDate } from '../common/i18n/dates';
import { ContextParts, letterContext, signerFields } from './letter-context';
import { CacheableTemplate, TemplateCacheService } from './template-cache.service';
import { chooseTemplate } from './template-choice';
import { LetterContext, signerShape, SignerSkeleton } from './template-engine';

/** A template that can be rendered: what the cache needs, and its language. */
export interface RenderableTemplate extends CacheableTemplate {
  language: string;
}

export interface RenderedIn<T extends RenderableTemplate = RenderableTemplate> {
  template: T;
  /** The letter's language: its template's. */
  language: string;
  subject: string;
  body: string;
  /** What the template saw (the worker names the sender from its signature). */
  context: LetterContext;
}

/** What a letter is rendered from, apart from its language (which is the chosen template's). */
export type LetterParts = Omit<ContextParts, 'language'>;

/**
 * The one road from (a letter, or a preview's inputs) to text: the worker, every preview,
 * the signing page and member mail render through here, so what a member previews is byte
 * for byte what is sent. One context builder (letter-context.ts), one compiled-template
 * cache (TemplateCacheService), one template-choice rule (template-choice.ts).
 */
@Injectable()
export class LetterRendererService {
  /**
   * Letters cut at their signer's fields, for the month's page: by the case and official
   * objects of the month's content (deep-frozen while it stands: changed content is new
   * objects, so new keys, and the old are collected with it), then by template version,
   * language, title, day and the signer's shape. Null: this letter is rendered whole.
   */
  private readonly skeletons = new WeakMap<object, WeakMap<object, Map<string, { skeleton: SignerSkeleton | null; context: LetterContext }>>>();

  constructor(@Inject(TemplateCacheService) private readonly cache: TemplateCacheService) {}

  /**
   * renderFor for the many letters that differ only in their signer: the same text, byte for
   * byte, with the template run once per case, official, template version, day and signer
   * shape while the content stands (CompiledTemplate.signerSkeleton). Parts whose case or
   * official are not frozen content are rendered whole.
   */
  renderForSigner<T extends RenderableTemplate>(templates: readonly T[], language: string, parts: LetterParts): RenderedIn<T> | undefined {
    const template = chooseTemplate(templates, language);
    return template ? this.renderSigned(template, parts) : undefined;
  }

  /** render, through the skeleton of renderForSigner when the parts are frozen content. */
  renderSigned<T extends RenderableTemplate>(template: T, parts: LetterParts): RenderedIn<T> {
    if (!Object.isFrozen(parts.case) || !Object.isFrozen(parts.official)) return this.render(template, parts);
    const signer = signerFields(parts, template.language);
    const key = [template.kind, template.id, template.version, template.language, parts.appealTitle, formatDate(parts.date, template.language), parts.englishFallback === true, signerShape(signer)].join('\u0001');
    let ofCase = this.skeletons.get(parts.case);
    if (!ofCase) {
      ofCase = new WeakMap();
      this.skeletons.set(parts.case, ofCase);
    }
    let ofOfficial = ofCase.get(parts.official);
    if (!ofOfficial) {
      ofOfficial = new Map();
      ofCase.set(parts.official, ofOfficial);
    }
    let cut = ofOfficial.get(key);
    if (cut === undefined) {
      const context = letterContext({ ...parts, language: template.language });
      cut = { skeleton: this.cache.compiledOf(template).signerSkeleton(context), context };
      ofOfficial.set(key, cut);
    }
    if (!cut.skeleton) return this.render(template, parts);
    const { subject, body } = cut.skeleton.fill(signer);
    return { template, language: template.language, subject, body, context: { ...cut.context, ...signer } };
  }

  /** Chooses the template for `language` (see chooseTemplate) and renders it; undefined when the list is empty. */
  renderFor<T extends RenderableTemplate>(templates: readonly T[], language: string, parts: LetterParts): RenderedIn<T> | undefined {
    const template = chooseTemplate(templates, language);
    return template ? this.render(template, parts) : undefined;
  }

  /** Renders one template in its own language; throws when the template cannot render these parts. */
  render<T extends RenderableTemplate>(template: T, parts: LetterParts): RenderedIn<T> {
    const context = letterContext({ ...parts, language: template.language });
    const { subject, body } = this.cache.compiledOf(template).render(context);
    return { template, language: template.language, subject, body, context };
  }
}
