import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEMPLATE_KINDS, TemplateKind } from './template-engine';

export interface DefaultTemplate {
  language: string;
  kind: TemplateKind;
  subject: string;
  body: string;
}

/** The repository's templates/ folder, from src/ (tests) or dist/ (built). */
export const DEFAULT_TEMPLATES_DIR = join(__dirname, '..', '..', 'templates');

/** Reads templates/<language>/<kind>.hbs: a `Subject:` line, an empty line, then the body. */
export function loadDefaultTemplates(dir = DEFAULT_TEMPLATES_DIR): DefaultTemplate[] {
  const templates: DefaultTemplate[] = [];
  for (const language of readdirSync(dir).sort()) {
    if (!/^[a-z]{2}$/.test(language)) continue;
    for (const kind of TEMPLATE_KINDS) {
      let text: string;
      try {
        text = readFileSync(join(dir, language, `${kind}.hbs`), 'utf8');
      } catch {
        continue;
      }
      const match = /^Subject: (.*)\r?\n\r?\n([\s\S]*)$/.exec(text);
      if (!match) throw new Error(`${language}/${kind}.hbs must start with a "Subject:" line and an empty line`);
      templates.push({ language, kind, subject: match[1].trim(), body: match[2] });
    }
  }
  return templates;
}
