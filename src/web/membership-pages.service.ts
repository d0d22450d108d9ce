import { Inject, Injectable } from '@nestjs/common';
import { SupportersRepository } from '../supporters/supporters.repository';
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

  constructor(@Inject(SupportersRepository) private readonly supporters: SupportersRepository) {
    const languages = loadDefaultTemplates()
      .filter((template) => template.kind === 'invitation')
      .map((template) => template.language);
    this.languages = languages.includes('en') ? languages : ['en', ...languages];
  }

  /** The leaving page of one member; null when the member no longer exists. Reading changes nothing. */
  async unsubscribePage(token: string, supporterId: string): Promise<UnsubscribePage | null> {
    const row = await this.supporters.leavingStateOf(supporterId);
    if (!row) return null;
    return { action: `/unsubscribe/${token}`, maskedEmail: maskEmail(row.email), alreadyUnsubscribed: row.unsubscribed, language: row.language };
  }

  /** A member's language, for the pages of their links; null when the member no longer exists. */
  languageOf(supporterId: string): Promise<string | null> {
    return this.supporters.languageOf(supporterId);
  }
}

/** "jane.doe@example.org" -> "j•••@example.org": enough to recognise, not to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '•••';
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}
