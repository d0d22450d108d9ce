import { Inject, Injectable, Logger } from '@nestjs/common';
import { CaseMailRow, CasesRepository } from '../cases/cases.repository';
import { persist } from '../common/outage';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { CycleHeadlineRow, MailingsRepository } from '../mailings/mailings.repository';
import { JobName, JobOf } from './jobs';
import { MailTransportService, OutcomeKind } from './mail-transport.service';
import { DefaultTemplate, loadDefaultTemplates } from '../templates/default-templates';
import { chooseTemplate } from '../templates/template-choice';
import { LetterParts, LetterRendererService, RenderableTemplate, RenderedIn } from '../templates/letter-renderer.service';
import type { MemberMailRow } from '../supporters/member-filters';
import { SupportersRepository } from '../supporters/supporters.repository';
import { TemplatesRepository } from '../templates/templates.repository';
import { catalogueOf } from '../common/i18n/messages';
import { MemberTokenService } from '../supporters/member-token.service';
import { PasswordTokensRepository } from '../supporters/password-tokens.repository';

/** A member as their mail needs them, read when the job runs (never carried in it). */
type MemberRow = MemberMailRow;

/** The cycle's first case: the invitation template speaks of one case, the month's headline. */
type CycleRow = CycleHeadlineRow;

/** The case of an outcome, as its thank-you needs it. */
type OutcomeCaseRow = CaseMailRow;

/** The templates of a member mail's kind, English first: English is the fallback language. */
type MailTemplates = RenderableTemplate[];

export interface MemberMailResult {
  claimed: number;
  sent: number;
  /** Transient failures: released to be claimed again by the job's next attempt. */
  retry: number;
  failed: number;
  unknown: number;
}

/**
 * Invitations and reminders are claimed in Postgres before they are sent (their timestamp
 * set where it was null), so a member is never mailed twice for one cycle however often a job
 * runs; a transient failure releases the claim for the job's next attempt, an unknown outcome
 * keeps it (it may have been delivered). Sign and unsubscribe links are made here, per member,
 * when the mail is sent.
 */
@Injectable()
export class MemberMailService {
  private readonly logger = new Logger(MemberMailService.name);
  private defaults: DefaultTemplate[] | null = null;
  private readonly domain: string;

  constructor(
    @Inject(MailingsRepository) private readonly mailings: MailingsRepository,
    @Inject(SupportersRepository) private readonly supporters: SupportersRepository,
    @Inject(CasesRepository) private readonly cases: CasesRepository,
    @Inject(TemplatesRepository) private readonly templateRows: TemplatesRepository,
    @Inject(MailTransportService) private readonly mail: MailTransportService,
    @Inject(MemberTokenService) private readonly tokens: MemberTokenService,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
    @Inject(LetterRendererService) private readonly renderer: LetterRendererService,
    @Inject(PasswordTokensRepository) private readonly passwordTokens: PasswordTokensRepository,
  ) {
    this.domain = config.mailFrom.split('@')[1] ?? 'qalam.example';
  }

  /** Sends one job's batch; `finalAttempt` keeps transient failures claimed, so the periodic check does not retry them forever. */
  async sendBatch(job: JobOf<JobName.SendMemberMail>, finalAttempt: boolean): Promise<MemberMailResult> {
    const result: MemberMailResult = { claimed: 0, sent: 0, retry: 0, failed: 0, unknown: 0 };
    if (job.supporterIds.length === 0) return result;
    let outcomes: { id: string; kind: OutcomeKind }[];
    if (job.kind === 'password-reset' || job.kind === 'staff-invitation') {
      // Active staff only: an account deactivated (or made a member) since the request gets no link.
      const members = await this.supporters.activeStaff(job.supporterIds);
      result.claimed = members.length;
      const kind = job.kind;
      outcomes = await Promise.all(members.map((member) => this.sendPasswordLink(kind, member)));
    } else if (job.kind === 'confirmation') {
      const members = await this.supporters.awaitingConfirmation(job.supporterIds);
      result.claimed = members.length;
      outcomes = await Promise.all(members.map((member) => this.sendConfirmation(member)));
    } else {
      if (!job.cycleId) throw new Error(`a ${job.kind} job names no cycle`);
      const cycle = await this.mailings.openCycleHeadline(job.cycleId);
      if (!cycle) return result;
      // Read before the claim: nothing that can fail stands between a claim and its send.
      const templates = await this.templatesOf('invitation');
      const members = job.kind === 'invitation' ? await this.claimInvitations(job.cycleId, job.supporterIds) : await this.claimReminders(job.cycleId, job.supporterIds);
      result.claimed = members.length;
      const cycleId = job.cycleId;
      outcomes = await Promise.all(members.map((member) => this.sendCycleMail(job.kind as 'invitation' | 'reminder', cycleId, cycle, member, templates)));
      const retry = outcomes.filter((outcome) => outcome.kind === 'retry').map((outcome) => outcome.id);
      if (retry.length > 0 && !finalAttempt) await this.release(job.kind, cycleId, retry);
    }
    for (const outcome of outcomes) result[outcome.kind] += 1;
    if (result.failed + result.unknown > 0) {
      // Counts and ids only: SMTP replies may quote the member's address.
      this.logger.warn(`Member ${job.kind}s${job.cycleId ? ` of cycle ${job.cycleId}` : ''}: ${result.failed} failed, ${result.unknown} with an unknown outcome`);
    }
    return result;
  }

  /**
   * Thank-yous of a case's outcome. Each is claimed in case_outcome_mails (sent_at set where
   * it was null) before it is sent, with the supporter's sent letters for the case counted
   * then; a transient failure gives the claim back for the job's next attempt.
   */
  async sendThankYous(job: JobOf<JobName.SendThankYous>, finalAttempt: boolean): Promise<MemberMailResult> {
    const result: MemberMailResult = { claimed: 0, sent: 0, retry: 0, failed: 0, unknown: 0 };
    if (job.supporterIds.length === 0) return result;
    const outcomeCase = await this.cases.endedForMail(job.caseId);
    // Set back to another status since it was marked: the rows stay unsent, and marking it again queues them again.
    if (!outcomeCase) return result;
    const templates = await this.templatesOf('thank-you');
    const members = await this.mailings.claimThankYous(job.caseId, job.supporterIds);
    result.claimed = members.length;
    const outcomes = await Promise.all(members.map((member) => this.sendThankYou(job.caseId, outcomeCase, member, templates)));
    const retry = outcomes.filter((outcome) => outcome.kind === 'retry').map((outcome) => outcome.id);
    if (retry.length > 0 && !finalAttempt) {
      await this.persistRelease(() => this.mailings.releaseThankYous(job.caseId, retry));
    }
    for (const outcome of outcomes) result[outcome.kind] += 1;
    if (result.failed + result.unknown > 0) {
      this.logger.warn(`Thank-yous of case ${job.caseId}: ${result.failed} failed, ${result.unknown} with an unknown outcome`);
    }
    return result;
  }

  private async sendThankYou(
    caseId: string,
    outcomeCase: OutcomeCaseRow,
    member: MemberRow & { letters_sent: number },
    templates: MailTemplates,
  ): Promise<{ id: string; kind: OutcomeKind }> {
    let rendered: RenderedIn;
    try {
      rendered = this.renderIn('thank-you', templates, member.language, (templateLanguage) => ({
          case: {
            name: outcomeCase.name,
            country: outcomeCase.country,
            profession: outcomeCase.profession,
            status: outcomeCase.status,
            summary: outcomeCase.summary,
            charges: outcomeCase.charges,
            detainedOn: outcomeCase.detained_on,
            gender: outcomeCase.gender,
            translations: outcomeCase.translations,
          },
          // No official reads a thank-you: its language is its template's.
          official: { name: '', title: '', salutation: null, organisation: null, language: templateLanguage },
          supporter: { name: member.name, city: member.city, country: member.country, signatureStyle: member.signature_style },
          note: null,
          appealTitle: '',
          date: new Date(),
          lettersSent: member.letters_sent,
        }));
    } catch (error) {
      this.logger.warn(`Cannot render the thank-you of case ${caseId} for supporter ${member.id}: ${(error as Error).message.slice(0, 200)}`);
      return { id: member.id, kind: 'failed' };
    }
    return this.send(`thank-you-${caseId}-${member.id}`, member, rendered.language, rendered.subject, rendered.body);
  }

  /** Claims the invitations of these members that are still to send; members no longer reachable lose theirs. */
  private async claimInvitations(cycleId: string, supporterIds: string[]): Promise<MemberRow[]> {
    const claimed = await this.mailings.claimInvitations(cycleId, supporterIds);
    // Unsubscribed (or deactivated) since the cycle opened: they are not invited, and the
    // periodic check stops looking for them.
    await this.mailings.dropUnreachableInvitations(cycleId, supporterIds);
    return claimed;
  }

  /** Claims the reminders of these members: invited before the round began, not yet reminded, and not signed every appeal still open. */
  private claimReminders(cycleId: string, supporterIds: string[]): Promise<MemberRow[]> {
    return this.mailings.claimReminders(cycleId, supporterIds);
  }

  /** A transient failure gives the claim back, so the job's next attempt sends it. */
  private async release(kind: 'invitation' | 'reminder', cycleId: string, supporterIds: string[]): Promise<void> {
    await this.persistRelease(() => this.mailings.releaseCycleMail(kind, cycleId, supporterIds));
  }

  /**
   * A released claim is known only to this process: if Postgres is away, the mail would stay
   * claimed and never be sent. The release waits for Postgres instead.
   */
  private async persistRelease(release: () => Promise<unknown>): Promise<void> {
    await persist(release, {
      patienceMs: 10 * 60_000,
      onFirstFailure: () => this.logger.warn('Member mail claims not released yet (database unavailable); retrying'),
      onRecovered: (tries) => this.logger.log(`Member mail claims released after ${tries} tries`),
    });
  }

  private async sendCycleMail(
    kind: 'invitation' | 'reminder',
    cycleId: string,
    cycle: CycleRow,
    member: MemberRow,
    templates: MailTemplates,
  ): Promise<{ id: string; kind: OutcomeKind }> {
    let subject: string;
    let body: string;
    let language: string;
    try {
      const signUrl = `${this.config.publicUrl}/sign/${this.tokens.issue('sign', { supporterId: member.id, cycleId })}`;
      const rendered = this.renderIn('invitation', templates, member.language, (templateLanguage) => ({
          case: { name: cycle.name, country: cycle.country, profession: cycle.profession, status: cycle.status, summary: cycle.summary, charges: cycle.charges, detainedOn: cycle.detained_on, gender: cycle.gender, translations: cycle.translations },
          // No official reads an invitation: its language is its template's.
          official: { name: '', title: '', salutation: null, organisation: null, language: templateLanguage },
          supporter: { name: member.name, city: member.city, country: member.country, signatureStyle: member.signature_style },
          note: null,
          appealTitle: cycle.title,
          date: new Date(),
          signUrl,
        }));
      language = rendered.language;
      subject = kind === 'reminder' ? catalogueOf(language).t('mail.reminderSubject', { subject: rendered.subject }) : rendered.subject;
      body = rendered.body;
    } catch (error) {
      // A template that cannot render this mail will not render it on a retry either.
      this.logger.warn(`Cannot render the ${kind} of cycle ${cycleId} for supporter ${member.id}: ${(error as Error).message.slice(0, 200)}`);
      return { id: member.id, kind: 'failed' };
    }
    return this.send(`${kind}-${cycleId}-${member.id}`, member, language, subject, body);
  }

  private sendConfirmation(member: MemberRow): Promise<{ id: string; kind: OutcomeKind }> {
    const confirmUrl = `${this.config.publicUrl}/join/confirm/${this.tokens.issue('confirm', { supporterId: member.id })}`;
    const messages = catalogueOf(member.language);
    const subject = messages.t('mail.confirmation.subject', { org: this.config.orgName });
    const body = messages.t('mail.confirmation.body', { org: this.config.orgName, url: confirmUrl });
    // A new Message-ID per confirmation: a member who signs up again gets a fresh link.
    return this.send(`confirmation-${member.id}-${Date.now().toString(36)}`, member, member.language, subject, body);
  }

  /**
   * A staff account's link to set a password, made when the mail is sent (only its hash is
   * stored). A retry makes a new link and ends the one before, so a mail that was lost leaves
   * no working link behind. Not a newsletter: no unsubscribe footer.
   */
  private async sendPasswordLink(kind: 'password-reset' | 'staff-invitation', member: MemberRow): Promise<{ id: string; kind: OutcomeKind }> {
    const token = await this.passwordTokens.issue(member.id, kind === 'password-reset' ? 'reset' : 'invitation');
    const url = `${this.config.publicUrl}/password/reset/${token}`;
    const messages = catalogueOf(member.language);
    const key = kind === 'password-reset' ? 'consoleMembers.mail.reset' : 'consoleMembers.mail.invitation';
    const stamp = Date.now().toString(36);
    const letter = {
      letterId: `account-${kind}-${member.id}-${stamp}`,
      messageId: `<account-${kind}-${member.id}-${stamp}@${this.domain}>`,
      headers: {},
      fromName: this.config.orgName,
      to: member.email,
      subject: messages.t(`${key}.subject`, { org: this.config.orgName }),
      text: messages.t(`${key}.body`, { org: this.config.orgName, url }),
      // A bounce or a complaint about it names the member, not the mail.
      tag: { kind: 'member' as const, id: member.id },
    };
    try {
      const outcome = await this.mail.send(letter, async () => {});
      return { id: member.id, kind: outcome.kind };
    } catch (error) {
      this.logger.warn(`Could not hand over a staff account email: ${(error as Error).message.slice(0, 200)}`);
      return { id: member.id, kind: 'retry' };
    }
  }

  /** Every member email carries the one-click unsubscribe headers (RFC 8058) and a visible link. */
  private async send(key: string, member: MemberRow, language: string, subject: string, body: string): Promise<{ id: string; kind: OutcomeKind }> {
    const token = this.tokens.issue('unsubscribe', { supporterId: member.id });
    const text = `${body}\n\n${catalogueOf(language).t('mail.footer', { org: this.config.orgName, url: `${this.config.publicUrl}/unsubscribe/${token}` })}`;
    const letter = {
      letterId: `member-${key}`,
      // Derived from what is sent to whom, so a retry carries the same id and a receiver can drop a duplicate.
      messageId: `<member-${key}@${this.domain}>`,
      headers: { 'List-Unsubscribe': `<${this.config.publicUrl}/api/unsubscribe/${token}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      fromName: this.config.orgName,
      to: member.email,
      subject,
      text,
      tag: { kind: 'member' as const, id: member.id },
    };
    let outcome: { kind: OutcomeKind };
    try {
      outcome = await this.mail.send(letter, async () => {});
    } catch (error) {
      // The outbox's disk, say: not handed over, so the claim is released and the job retried.
      this.logger.warn(`Could not hand over a member email: ${(error as Error).message.slice(0, 200)}`);
      outcome = { kind: 'retry' };
    }
    return { id: member.id, kind: outcome.kind };
  }

  /**
   * The template of a kind per language: the coordinator's latest saved one, else the
   * default file; English first, the fallback. Read per batch (a handful of rows) so a
   * template saved while mail is being sent is used from the next batch on; compiled once
   * per version by the one template cache.
   */
  private async templatesOf(kind: 'invitation' | 'thank-you'): Promise<MailTemplates> {
    this.defaults ??= loadDefaultTemplates();
    const templates = new Map<string, RenderableTemplate>();
    for (const template of this.defaults.filter((candidate) => candidate.kind === kind)) {
      templates.set(template.language, { id: `default/${template.language}`, version: 'file', kind, language: template.language, subject: template.subject, body: template.body });
    }
    const saved = await this.templateRows.latestOfKindPerLanguage(kind);
    for (const row of saved) templates.set(row.language, { id: row.id, version: row.version, kind, language: row.language, subject: row.subject, body: row.body });
    return [...templates.values()].sort((a, b) => Number(b.language === 'en') - Number(a.language === 'en'));
  }

  /**
   * Renders a member's mail with the template in their language (else English). A case
   * field not translated into it is given in English: the member still reads about the case;
   * letters to officials never mix languages (their launch is refused instead).
   */
  private renderIn(kind: 'invitation' | 'thank-you', templates: MailTemplates, memberLanguage: string, partsIn: (language: string) => LetterParts): RenderedIn {
    // The one choice rule over [English, ...]: the member's language, else English.
    const template = chooseTemplate(templates, memberLanguage);
    if (!template) throw new Error(`no ${kind} template in the member language or in English`);
    return this.renderer.render(template, { ...partsIn(template.language), englishFallback: true });
  }
}
