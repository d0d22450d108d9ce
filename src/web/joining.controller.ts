import { Body, Controller, Get, HttpStatus, Inject, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/roles.decorator';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { RateLimited } from '../rate-limit/rate-limit.guard';
import { MembersService } from '../members/members.service';
import { EMPTY_JOIN_FORM, joinFormView, parseJoinForm } from './join-form';
import { MemberLinksService } from './member-links.service';
import { MembershipPagesService } from './membership-pages.service';
import { isCrossSite, pageHeaders } from './page-response';
import { LayoutModel, ViewsService } from './views.service';
import { CrossSiteError, LinkProblemError, WebExceptionFilter } from './web-exception.filter';

const PUBLIC_LAYOUT = (title: string): LayoutModel => ({ title, nav: [], unsubscribeUrl: null });

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

  @Get('join')
  joinForm(@Res({ passthrough: true }) response: Response): string {
    pageHeaders(response, HttpStatus.OK);
    return this.views.render('join', joinFormView(EMPTY_JOIN_FORM, [], this.membership.languages), PUBLIC_LAYOUT('Join the letter-writing group'));
  }

  @Post('join')
  @RateLimited('signup')
  async join(@Body() body: Record<string, unknown>, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    if (isCrossSite(request, this.config.publicUrl)) throw new CrossSiteError();
    const { values, request: signup, problems } = parseJoinForm(body, this.membership.languages);
    if (!signup) {
      pageHeaders(response, HttpStatus.BAD_REQUEST);
      return this.views.render('join', joinFormView(values, problems, this.membership.languages), PUBLIC_LAYOUT('There is a problem: join the letter-writing group'));
    }
    await this.members.signup(signup);
    // The same answer whether or not the address was known: the page tells no one who is a member.
    pageHeaders(response, HttpStatus.ACCEPTED);
    return this.views.render('join-sent', { email: signup.email }, PUBLIC_LAYOUT('Check your email'));
  }

  @Get('join/confirm/:token')
  confirmPage(@Param('token') token: string, @Res({ passthrough: true }) response: Response): string {
    this.checkLink('confirm', token);
    pageHeaders(response, HttpStatus.OK);
    return this.views.render('join-confirm', { action: `/join/confirm/${token}` }, PUBLIC_LAYOUT('Confirm your email address'));
  }

  @Post('join/confirm/:token')
  async confirm(@Param('token') token: string, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    if (isCrossSite(request, this.config.publicUrl)) throw new CrossSiteError();
    this.checkLink('confirm', token);
    await this.members.confirm(token);
    pageHeaders(response, HttpStatus.OK);
    return this.views.render('join-confirmed', {}, PUBLIC_LAYOUT('Welcome'));
  }

  @Get('unsubscribe/:token')
  async unsubscribePage(@Param('token') token: string, @Res({ passthrough: true }) response: Response): Promise<string> {
    const claims = this.checkLink('unsubscribe', token);
    const page = await this.membership.unsubscribePage(token, claims.supporterId);
    if (!page) throw new LinkProblemError('invalid');
    pageHeaders(response, HttpStatus.OK);
    return this.views.render('unsubscribe', page, PUBLIC_LAYOUT('Stop emails from the letter-writing group'));
  }

  /**
   * The page's button: the same one-click unsubscribe as POST /api/unsubscribe/:token (which
   * mail programs call, RFC 8058), answered with a page instead of JSON.
   */
  @Post('unsubscribe/:token')
  async unsubscribe(@Param('token') token: string, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    if (isCrossSite(request, this.config.publicUrl)) throw new CrossSiteError();
    this.checkLink('unsubscribe', token);
    await this.members.unsubscribe(token);
    pageHeaders(response, HttpStatus.OK);
    return this.views.render('unsubscribed', {}, PUBLIC_LAYOUT('You have left the mailing list'));
  }

  private checkLink(purpose: 'confirm' | 'unsubscribe', token: string) {
    const link = this.links.resolve(purpose, token);
    if (link.kind !== 'valid') throw new LinkProblemError(link.kind);
    return link.claims;
  }
}
