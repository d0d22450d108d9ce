import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** A default template as the installer writes it. */
export interface DefaultTemplateRow {
  name: string;
  kind: string;
  language: string;
  subject: string;
  body: string;
}

/** A saved template of a member mail's kind. */
export interface SavedMailTemplateRow {
  id: string;
  language: string;
  subject: string;
  body: string;
  version: number;
}

/** The templates table's statements beyond TypeORM's own find and save. */
@Injectable()
export class TemplatesRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /**
   * Inserts each default whose kind and language has no template yet, in one statement,
   * under one lock (several processes booting at once add them once); returns how many it added.
   */
  insertMissingDefaults(defaults: DefaultTemplateRow[]): Promise<number> {
    return this.db.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('templates/defaults', 0))`);
      const rows = await manager.query<{ id: string }[]>(
        `INSERT INTO templates (name, kind, language, subject, body)
         SELECT d.name, d.kind, d.language, d.subject, d.body
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS d(name, kind, language, subject, body)
          WHERE NOT EXISTS (SELECT 1 FROM templates t WHERE t.kind = d.kind AND t.language = d.language)
         RETURNING id`,
        [
          defaults.map((template) => template.name),
          defaults.map((template) => template.kind),
          defaults.map((template) => template.language),
          defaults.map((template) => template.subject),
          defaults.map((template) => template.body),
        ],
      );
      return rows.length;
    });
  }

  /**
   * The appeals that would print a template's letters: by post or email-then-post, and not
   * over yet (a draft, open or paused appeal), in the order they were made.
   */
  postAppealsUsing(manager: EntityManager, templateId: string): Promise<{ id: string; title: string }[]> {
    return manager.query(
      `SELECT a.id, a.title FROM appeal_templates at JOIN appeals a ON a.id = at.appeal_id
        WHERE at.template_id = $1 AND a.channel IN ('post', 'email-then-post') AND a.status IN ('draft', 'open', 'paused')
        ORDER BY a.created_at, a.id`,
      [templateId],
    );
  }

  /** The latest saved template of a kind in each language (a handful of rows). */
  latestOfKindPerLanguage(kind: string): Promise<SavedMailTemplateRow[]> {
    return this.db.query<SavedMailTemplateRow[]>(
      `SELECT DISTINCT ON (language) id, language, subject, body, version FROM templates
        WHERE kind = $1 ORDER BY language, updated_at DESC, id DESC`,
      [kind],
    );
  }
}
