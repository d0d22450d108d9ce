import type { CaseGender, CaseRisk, CaseStatus, CaseTranslations } from '../cases/case.entity';
import type { SignatureStyle } from '../supporters/supporter.entity';
import type { LetterParts, RenderableTemplate } from '../templates/letter-renderer.service';

/**
 * A letter as the worker reads it to render it, by email or on paper: the same columns and
 * joins for the sender's claim and a print run, so both render through the one road from
 * the same inputs (see LetterRendererService).
 */
export interface LetterRow {
  id: string;
  appeal_id: string;
  appeal_title: string;
  appeal_channel: 'email' | 'post' | 'email-then-post';
  note: string | null;
  signature_style: SignatureStyle;
  supporter_name: string | null;
  supporter_city: string | null;
  supporter_country: string | null;
  official_email: string | null;
  suppressed: boolean;
  official_name: string;
  official_title: string;
  official_salutation: string | null;
  official_organisation: string | null;
  official_language: string;
  official_country: string;
  official_postal_address: string | null;
  case_name: string;
  case_country: string;
  case_profession: string | null;
  case_status: CaseStatus;
  case_summary: string;
  case_charges: string | null;
  case_detained_on: string | null;
  case_gender: CaseGender | null;
  case_translations: CaseTranslations;
  /** Read when the letter is rendered, so a case made high-risk later changes its queued letters too. */
  case_risk: CaseRisk;
  /** On the first row of each appeal only, so a batch reads each template once; in the coordinator's order. */
  templates: AppealTemplate[] | null;
}

/** One of an appeal's templates as a letter's read gives it, with the id of its current version (recorded on the letter). */
export interface AppealTemplate extends RenderableTemplate {
  versionId: string | null;
}

/** The select list of a LetterRow, the letter aliased `letter` (its other tables come from letterRowJoins). */
export function letterRowColumns(letter: string): string {
  return `${letter}.id, a.id AS appeal_id, a.title AS appeal_title, a.channel AS appeal_channel, sg.note, sg.signature_style,
  s.name AS supporter_name, s.city AS supporter_city, s.country AS supporter_country,
  o.email AS official_email, sp.address IS NOT NULL AS suppressed, o.name AS official_name, o.title AS official_title,
  o.salutation AS official_salutation, o.organisation AS official_organisation, o.language AS official_language,
  o.country AS official_country, o.postal_address AS official_postal_address,
  k.name AS case_name, k.country AS case_country, k.profession AS case_profession, k.status AS case_status,
  k.summary AS case_summary, k.charges AS case_charges, to_char(k.detained_on, 'YYYY-MM-DD') AS case_detained_on,
  k.gender AS case_gender, k.translations AS case_translations, k.risk AS case_risk,
  CASE WHEN row_number() OVER (PARTITION BY a.id ORDER BY ${letter}.id) = 1 THEN (
    SELECT json_agg(json_build_object('id', tp.id, 'language', tp.language, 'kind', tp.kind, 'subject', tp.subject,
           'body', tp.body, 'version', tp.version, 'versionId', tv.id) ORDER BY at.position)
      FROM appeal_templates at JOIN templates tp ON tp.id = at.template_id AND tp.kind = 'appeal'
      LEFT JOIN template_versions tv ON tv.template_id = tp.id AND tv.version = tp.version
     WHERE at.appeal_id = a.id) END AS templates`;
}

/** The joins of letterRowColumns. */
export function letterRowJoins(letter: string): string {
  return `JOIN appeals a ON a.id = ${letter}.appeal_id
  JOIN cases k ON k.id = a.case_id
  JOIN signatures sg ON sg.id = ${letter}.signature_id
  LEFT JOIN supporters s ON s.id = ${letter}.supporter_id
  JOIN officials o ON o.id = ${letter}.official_id
  LEFT JOIN suppressions sp ON sp.address = lower(o.email)`;
}

/** What the renderer needs of a letter row; a supporter who deleted their data signs as an anonymous supporter. */
export function letterPartsOf(row: LetterRow, date: Date): LetterParts {
  return {
    case: { name: row.case_name, country: row.case_country, profession: row.case_profession, status: row.case_status, summary: row.case_summary, charges: row.case_charges, detainedOn: row.case_detained_on, gender: row.case_gender, translations: row.case_translations, risk: row.case_risk },
    official: { name: row.official_name, title: row.official_title, salutation: row.official_salutation, organisation: row.official_organisation, language: row.official_language },
    supporter: row.supporter_name ? { name: row.supporter_name, city: row.supporter_city, country: row.supporter_country ?? 'ZZ', signatureStyle: row.signature_style } : { name: '', city: null, country: 'ZZ', signatureStyle: 'anonymous' },
    note: row.note,
    appealTitle: row.appeal_title,
    date,
  };
}
