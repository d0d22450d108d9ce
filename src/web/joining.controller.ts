import { Body, Controller, Get, HttpStatus, Inject, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { catalogueOf } from '../common/i18n/messages';
import type { Request, Response } from 'express';
import { Public } from '../common/auth/roles.decorator';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { RateLimited } from '../common/rate-limit/rate-limit.guard';
import { MembersService } from '../members/members.service';
import { emptyJoinForm, joinFormView, parseJoinForm } from './join-form';
import { languageLinks, visitorLanguage } from './page-language';
import { MemberLinksService } from './member-links.service';
import { MembershipPagesService } from './membership-pages.service';
import { isCrossSite, pageHeaders } from './page-response';
import { LayoutModel, ViewsService } from './views.service';
import { CrossSiteError, LinkProblemError, WebExceptionFilter } from './web-exception.filter';

/** A public page in `language`, titled by a catalogue key. */
const PUBLIC_LAYOUT = (titleKey: string, language: string, switchTo?: string): LayoutModel => ({
  title: catalogueOf(language).t(titleKey),
  nav: [],
  unsubscribeUrl: null,
  language,
  ...(switchTo ? { languageLinks: languageLinks(switchTo, language) } : {}),
});

/**
 * Joining (a public form with explicit consent, then a confirmation link) and leaving (a
 * page whose one button unsubscribes). Opening a link never changes anything: mail
 * scanners open links too, so every change is a POST, through MembersService.
 */
// A page for browsers (HTML, forms), not part of the JSON API: left out of the OpenAPI document.
@ApiExcludeController()
@Controller()
@Public()
@UseFilters(WebExceptionFilter)
export class JoiningController {
  constructor(
    @Inject(MembersService) private readonly members: MembersService,
    @Inject(MembershipPagesService) private readonly membership: MembershipPagesService,
    @Inject(MemberLinksService) private readonly links: MemberLinksService,
    @Inject(ViewsService) private readonly views: ViewsService,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
  ) {}

  private readonly emptyJoinPages = new Map<string, string>();

  @Get('join')
  joinForm(@Req() request: Request, @Res({ passthrough: true }) response: Response): string {
    const language = visitorLanguage(request);
    pageHeaders(response, HttpStatus.OK);
    return this.emptyJoinPage(language);
  }

  /**
   * The empty join form in a language: the same page for every visitor (no token, nothing of
   * theirs), so it is rendered once per language and kept.
   */
  private emptyJoinPage(language: string): string {
    let html = this.emptyJoinPages.get(language);
    if (html === undefined) {
      const form = emptyJoinForm(this.membership.languages.includes(language) ? language : 'en');
      html = this.views.render('join', joinFormView(form, [], this.membership.languages, catalogueOf(language)), PUBLIC_LAYOUT('titles.join', language, '/join'));
      this.emptyJoinPages.set(language, html);
    }
    return html;
  }

  @Post('join')
  @RateLimited('signup')
  async join(@Body() body: Record<string, unknown>, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    if (isCrossSite(request, this.config.publicUrl)) throw new CrossSiteError();
    const language = visitorLanguage(request);
    const messages = catalogueOf(language);
    const { values, request: signup, problems } = parseJoinForm(body, this.membership.languages, messages);
    if (!signup) {
      pageHeaders(response, HttpStatus.BAD_REQUEST);
      return this.views.render('join', joinFormView(values, problems, this.membership.languages, messages), PUBLIC_LAYOUT('titles.joinProblem', language));
    }
    await this.members.signup(signup);
    // The same answer whether or not the address was known: the page tells no one who is a member.
    pageHeaders(response, HttpStatus.ACCEPTED);
    return this.views.render('join-sent', { email: signup.email }, PUBLIC_LAYOUT('titles.joinSent', language));
  }

  @Get('join/confirm/:token')
  async confirmPage(@Param('token') token: string, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    const claims = this.checkLink('confirm', token);
    const language = (await this.membership.languageOf(claims.supporterId)) ?? visitorLanguage(request);
    pageHeaders(response, HttpStatus.OK);
    return this.views.render('join-confirm', { action: `/join/confirm/${token}` }, PUBLIC_LAYOUT('titles.joinConfirm', language));
  }

  @Post('join/confirm/:token')
  async confirm(@Param('token') token: string, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    if (isCrossSite(request, this.config.publicUrl)) throw new CrossSiteError();
    const claims = this.checkLink('confirm', token);
    await this.members.confirm(token);
    const language = (await this.membership.languageOf(claims.supporterId)) ?? visitorLanguage(request);
    pageHeaders(response, HttpStatus.OK);
    return this.views.render('join-confirmed', {}, PUBLIC_LAYOUT('titles.joinConfirmed', language));
  }

  @Get('unsubscribe/:token')
  async unsubscribePage(@Param('token') token: string, @Res({ passthrough: true }) response: Response): Promise<string> {
    const claims = this.checkLink('unsubscribe', token);
    const page = await this.membership.unsubscribePage(token, claims.supporterId);
    if (!page) throw new LinkProblemError('invalid');
    pageHeaders(response, HttpStatus.OK);
    return this.views.render('unsubscribe', page, PUBLIC_LAYOUT('titles.unsubscribe', page.language));
  }

  /**
   * The page's button: the same one-click unsubscribe as POST /api/unsubscribe/:token (which
   * mail programs call, RFC 8058), answered with a page instead of JSON.
   */
  @Post('unsubscribe/:token')
  async unsubscribe(@Param('token') token: string, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    if (isCrossSite(request, this.config.publicUrl)) throw new CrossSiteError();
    const claims = this.checkLink('unsubscribe', token);
    await this.members.unsubscribe(token);
    const language = (await this.membership.languageOf(claims.supporterId)) ?? visitorLanguage(request);
    pageHeaders(response, HttpStatus.OK);
    return this.views.render('unsubscribed', {}, PUBLIC_LAYOUT('titles.unsubscribed', language));
  }

  private checkLink(purpose: 'confirm' | 'unsubscribe', token: string) {
    const link = this.links.resolve(purpose, token);
    if (link.kind !== 'valid') throw new LinkProblemError(link.kind);
    return link.claims;
  }
}
