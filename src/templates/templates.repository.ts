import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

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

  /** The latest saved template of a kind in each language (a handful of rows). */
  latestOfKindPerLanguage(kind: string): Promise<SavedMailTemplateRow[]> {
    return this.db.query<SavedMailTemplateRow[]>(
      `SELECT DISTINCT ON (language) id, language, subject, body, version FROM templates
        WHERE kind = $1 ORDER BY language, updated_at DESC, id DESC`,
      [kind],
    );
  }
}
