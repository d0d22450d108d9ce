import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadDefaultTemplates } from '../templates/default-templates';

export interface UnsubscribePage {
  action: string;
  maskedEmail: string;
  alreadyUnsubscribed: boolean;
  /** The member's language: the page's words. */
  language: string;
}

/** What the joining and leaving pages read. */
@Injectable()
export class MembershipPagesService {
  /** The languages members may receive their emails in: those the invitation is written in. */
  readonly languages: readonly string[];

  constructor(@Inject(DataSource) private readonly db: DataSource) {
    const languages = loadDefaultTemplates()
      .filter((template) => template.kind === 'invitation')
      .map((template) => template.language);
    this.languages = languages.includes('en') ? languages : ['en', ...languages];
  }

  /** The leaving page of one member; null when the member no longer exists. Reading changes nothing. */
  async unsubscribePage(token: string, supporterId: string): Promise<UnsubscribePage | null> {
    const [row] = await this.db.query<{ email: string; unsubscribed: boolean; language: string }[]>(
      `SELECT email, unsubscribed_at IS NOT NULL AS unsubscribed, language FROM supporters WHERE id = $1`,
      [supporterId],
    );
    if (!row) return null;
    return { action: `/unsubscribe/${token}`, maskedEmail: maskEmail(row.email), alreadyUnsubscribed: row.unsubscribed, language: row.language };
  }

  /** A member's language, for the pages of their links; null when the member no longer exists. */
  async languageOf(supporterId: string): Promise<string | null> {
    const [row] = await this.db.query<{ language: string }[]>(`SELECT language FROM supporters WHERE id = $1`, [supporterId]);
    return row?.language ?? null;
  }
}

/** "jane.doe@example.org" -> "j•••@example.org": enough to recognise, not to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '•••';
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}
