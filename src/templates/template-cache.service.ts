import { Inject, Injectable, Optional } from '@nestjs/common';
import { CompiledTemplate, compileTemplate, TemplateKind } from './template-engine';

/** A template as the cache needs it: its identity (id and version) and its text. */
export interface CacheableTemplate {
  /** A template's id, or `default/<kind>/<language>` for a default file. */
  id: string;
  /** A new version is a new key: an edited template is compiled again, everywhere. */
  version: string | number;
  kind: TemplateKind;
  subject: string;
  body: string;
}

export const TEMPLATE_CACHE_SIZE = Symbol('TEMPLATE_CACHE_SIZE');
const DEFAULT_SIZE = 300;

/**
 * The one compiled-template cache of a process, keyed by template id and version. Bounded
 * (least recently used goes first) so that a worker that runs for months over thousands of
 * edited templates keeps a flat memory.
 */
@Injectable()
export class TemplateCacheService {
  /** A Map iterates in insertion order: re-inserting on use makes the first key the least recently used. */
  private readonly compiled = new Map<string, CompiledTemplate>();
  readonly capacity: number;

  constructor(@Optional() @Inject(TEMPLATE_CACHE_SIZE) capacity?: number) {
    this.capacity = capacity ?? DEFAULT_SIZE;
  }

  get size(): number {
    return this.compiled.size;
  }

  /** The template compiled once per version; throws TemplateInvalidError for a template that does not validate. */
  compiledOf(template: CacheableTemplate): CompiledTemplate {
    const key = `${template.kind}/${template.id}@${template.version}`;
    const known = this.compiled.get(key);
    if (known) {
      this.compiled.delete(key);
      this.compiled.set(key, known);
      return known;
    }
    const compiled = compileTemplate(template.kind, template.subject, template.body);
    if (this.compiled.size >= this.capacity) this.compiled.delete(this.compiled.keys().next().value as string);
    this.compiled.set(key, compiled);
    return compiled;
  }
}
