import { Injectable } from '@nestjs/common';
import { ContextParts, letterContext } from '../templates/letter-context';
import { CompiledTemplate, compileTemplate, RenderedLetter } from '../templates/template-engine';

/** One of an appeal's letter templates, as stored. */
export interface AppealTemplate {
  id: string;
  language: string;
  subject: string;
  body: string;
  /** Part of the cache key: an edited template is compiled again. */
  version: string;
}

const MAX_COMPILED = 500;

/**
 * Renders letters the way the worker that sends them does (src/delivery/letter-sender.service.ts):
 * the same choice of template, the same context, the same engine. What a member previews is
 * the letter the official receives.
 */
@Injectable()
export class LetterPreviewsService {
  private readonly compiled = new Map<string, CompiledTemplate>();

  /**
   * The template a letter in `language` is written with: the appeal's template in that
   * language, else its first (templates ordered as the sender orders them).
   */
  templateFor(templates: readonly AppealTemplate[], language: string): AppealTemplate | undefined {
    return templates.find((template) => template.language === language) ?? templates[0];
  }

  render(template: AppealTemplate, parts: ContextParts): RenderedLetter {
    return this.compiledOf(template).render(letterContext(parts));
  }

  private compiledOf(template: AppealTemplate): CompiledTemplate {
    const key = `${template.id}@${template.version}`;
    let compiled = this.compiled.get(key);
    if (!compiled) {
      if (this.compiled.size >= MAX_COMPILED) this.compiled.clear();
      compiled = compileTemplate('appeal', template.subject, template.body);
      this.compiled.set(key, compiled);
    }
    return compiled;
  }
}
