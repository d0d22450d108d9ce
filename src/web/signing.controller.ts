import { Body, Controller, Get, Inject, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../common/auth/roles.decorator';
import { catalogueOf } from '../common/i18n/messages';
import { QALAM_CONFIG, QalamConfig } from '../config/config';
import { RateLimited } from '../common/rate-limit/rate-limit.guard';
import type { MemberTokenClaims } from '../supporters/member-token.service';
import { MemberLinksService } from './member-links.service';
import { isCrossSite, pageHeaders } from './page-response';
import { parseSignForm } from './sign-form';
import { SigningService } from './signing.service';
import { LayoutModel, ViewsService } from './views.service';
import { CrossSiteError, LinkProblemError, WebExceptionFilter } from './web-exception.filter';

/**
 * The month's signing page. The token in the address is the member's credential (a signed,
 * expiring link from their invitation): no password, no session, no cookie.
 */
// A page for browsers (HTML, forms), not part of the JSON API: left out of the OpenAPI document.
@ApiExcludeController()
@Controller('sign')
@Public()
@UseFilters(WebExceptionFilter)
export class SigningController {
  constructor(
    @Inject(SigningService) private readonly signing: SigningService,
    @Inject(MemberLinksService) private readonly links: MemberLinksService,
    @Inject(ViewsService) private readonly views: ViewsService,
    @Inject(QALAM_CONFIG) private readonly config: QalamConfig,
  ) {}

  @Get(':token')
  async page(@Param('token') token: string, @Res({ passthrough: true }) response: Response): Promise<string> {
    const startedAt = performance.now();
    const claims = this.claimsOf(token);
    const html = await this.signing.pageHtml(token, (language, cycleTitle) => this.layout(catalogueOf(language).t('titles.sign', { title: cycleTitle }), language, token, claims, 'page'));
    pageHeaders(response, 200, startedAt);
    return html;
  }

  @Post(':token')
  @RateLimited('signing')
  async sign(@Param('token') token: string, @Body() body: Record<string, unknown>, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    const startedAt = performance.now();
    // Checked before the token, so that a forged post learns nothing about the link.
    if (isCrossSite(request, this.config.publicUrl)) throw new CrossSiteError();
    const claims = this.claimsOf(token);
    const { request: signRequest, problems } = parseSignForm(body);
    const outcome = problems.length === 0 ? await this.signing.sign(token, claims, signRequest) : { problems };
    if ('problems' in outcome) {
      const page = await this.signing.page(token, claims, { request: signRequest, problems: outcome.problems });
      const html = this.views.render('sign', page, this.layout(catalogueOf(page.language).t('titles.signProblem', { title: page.cycleTitle }), page.language, token, claims, 'page'));
      pageHeaders(response, 400, startedAt);
      return html;
    }
    const html = this.views.render('signed', outcome.confirmation, this.layout(catalogueOf(outcome.confirmation.language).t('titles.signed'), outcome.confirmation.language, token, claims, null));
    pageHeaders(response, 200, startedAt);
    return html;
  }

  @Get(':token/letters')
  async letters(@Param('token') token: string, @Res({ passthrough: true }) response: Response): Promise<string> {
    const startedAt = performance.now();
    const claims = this.claimsOf(token);
    const history = await this.signing.history(token, claims);
    const html = this.views.render('letters', history, this.layout(catalogueOf(history.language).t('nav.letters'), history.language, token, claims, 'letters'));
    pageHeaders(response, 200, startedAt);
    return html;
  }

  private claimsOf(token: string): MemberTokenClaims {
    const link = this.links.resolve('sign', token);
    if (link.kind !== 'valid') throw new LinkProblemError(link.kind);
    return link.claims;
  }

  private layout(title: string, language: string, token: string, claims: MemberTokenClaims, current: 'page' | 'letters' | null): LayoutModel {
    const messages = catalogueOf(language);
    return {
      title,
      language,
      nav: [
        { href: `/sign/${token}`, label: messages.t('nav.month'), current: current === 'page' },
        { href: `/sign/${token}/letters`, label: messages.t('nav.letters'), current: current === 'letters' },
      ],
      unsubscribeUrl: this.links.unsubscribeUrl(claims.supporterId),
    };
  }
}
