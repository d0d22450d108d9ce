import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The coordinator's order of an appeal's templates (the first is the fallback language),
 * and template versions: every saved text of a template is kept in `template_versions`, and
 * a letter names the version it was rendered from. `letters.template_version_id` has no
 * index and no foreign key on purpose: the worker writes it in its one outcome statement per
 * batch, which must stay a HOT update without a per-row constraint check.
 */
export class TemplateOrderAndVersions1764806400000 implements MigrationInterface {
  name = 'TemplateOrderAndVersions1764806400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE appeal_templates ADD COLUMN position int`);
    // Until now every reader took creation order: that order becomes the stored one.
    await db.query(`UPDATE appeal_templates at SET position = o.position
      FROM (SELECT at2.appeal_id, at2.template_id, row_number() OVER (PARTITION BY at2.appeal_id ORDER BY tp.created_at, tp.id) - 1 AS position
              FROM appeal_templates at2 JOIN templates tp ON tp.id = at2.template_id) o
     WHERE o.appeal_id = at.appeal_id AND o.template_id = at.template_id`);
    await db.query(`ALTER TABLE appeal_templates ALTER COLUMN position SET NOT NULL`);
    await db.query(`ALTER TABLE appeal_templates ADD CONSTRAINT appeal_templates_position UNIQUE (appeal_id, position)`);

    await db.query(`ALTER TABLE templates ADD COLUMN version int NOT NULL DEFAULT 1`);
    await db.query(`CREATE TABLE template_versions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      template_id uuid NOT NULL REFERENCES templates (id) ON DELETE CASCADE,
      version int NOT NULL,
      subject text NOT NULL,
      body text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (template_id, version))`);
    await db.query(`INSERT INTO template_versions (template_id, version, subject, body, created_at)
      SELECT id, version, subject, body, updated_at FROM templates`);
    // A template's current text is always one of its versions, however the row was written.
    await db.query(`CREATE FUNCTION template_version_kept() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO template_versions (template_id, version, subject, body)
        VALUES (NEW.id, NEW.version, NEW.subject, NEW.body)
        ON CONFLICT (template_id, version) DO NOTHING;
        RETURN NULL;
      END $$`);
    await db.query(`CREATE TRIGGER template_version_kept AFTER INSERT OR UPDATE OF version ON templates
      FOR EACH ROW EXECUTE FUNCTION template_version_kept()`);

    await db.query(`ALTER TABLE letters ADD COLUMN template_version_id uuid`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE letters DROP COLUMN template_version_id`);
    await db.query(`DROP TRIGGER template_version_kept ON templates`);
    await db.query(`DROP FUNCTION template_version_kept()`);
    await db.query(`DROP TABLE template_versions`);
    await db.query(`ALTER TABLE templates DROP COLUMN version`);
    await db.query(`ALTER TABLE appeal_templates DROP CONSTRAINT appeal_templates_position`);
    await db.query(`ALTER TABLE appeal_templates DROP COLUMN position`);
  }
}
