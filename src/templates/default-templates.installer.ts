import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadDefaultTemplates } from './default-templates';

/**
 * A fresh install has the default templates of templates/: each kind and language that has
 * no template yet gets the default one, at boot. Repeating it (a restart, several processes
 * booting at once: they take one lock) adds nothing, and a coordinator's own template of
 * that kind and language is never replaced.
 */
@Injectable()
export class DefaultTemplatesInstaller implements OnApplicationBootstrap {
  private readonly logger = new Logger(DefaultTemplatesInstaller.name);

  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    const added = await this.install();
    if (added > 0) this.logger.log(`Installed ${added} default templates`);
  }

  /** Returns how many templates it added. */
  async install(): Promise<number> {
    const defaults = loadDefaultTemplates();
    return this.db.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('templates/defaults', 0))`);
      const rows = await manager.query<{ id: string }[]>(
        `INSERT INTO templates (name, kind, language, subject, body)
         SELECT d.name, d.kind, d.language, d.subject, d.body
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS d(name, kind, language, subject, body)
          WHERE NOT EXISTS (SELECT 1 FROM templates t WHERE t.kind = d.kind AND t.language = d.language)
         RETURNING id`,
        [
          defaults.map((template) => `Default ${template.kind} (${template.language})`),
          defaults.map((template) => template.kind),
          defaults.map((template) => template.language),
          defaults.map((template) => template.subject),
          defaults.map((template) => template.body),
        ],
      );
      return rows.length;
    });
  }
}
