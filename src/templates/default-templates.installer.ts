import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { loadDefaultTemplates } from './default-templates';
import { TemplatesRepository } from './templates.repository';

/**
 * A fresh install has the default templates of templates/: each kind and language that has
 * no template yet gets the default one, at boot. Repeating it (a restart, several processes
 * booting at once: they take one lock) adds nothing, and a coordinator's own template of
 * that kind and language is never replaced.
 */
@Injectable()
export class DefaultTemplatesInstaller implements OnApplicationBootstrap {
  private readonly logger = new Logger(DefaultTemplatesInstaller.name);

  constructor(@Inject(TemplatesRepository) private readonly templates: TemplatesRepository) {}

  async onApplicationBootstrap(): Promise<void> {
    const added = await this.install();
    if (added > 0) this.logger.log(`Installed ${added} default templates`);
  }

  /** Returns how many templates it added. */
  install(): Promise<number> {
    return this.templates.insertMissingDefaults(
      loadDefaultTemplates().map((template) => ({ name: `Default ${template.kind} (${template.language})`, kind: template.kind, language: template.language, subject: template.subject, body: template.body })),
    );
  }
}
