import { Inject, Injectable } from '@nestjs/common';
import { ContextParts, letterContext } from './letter-context';
import { CacheableTemplate, TemplateCacheService } from './template-cache.service';
import { chooseTemplate } from './template-choice';
import type { LetterContext } from './template-engine';

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
  constructor(@Inject(TemplateCacheService) private readonly cache: TemplateCacheService) {}

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
