import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, HttpStatus, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { StaffSessionsService } from '../../auth/staff-sessions.service';
import { Public } from '../../common/auth/roles.decorator';
import { catalogueOf } from '../../common/i18n/messages';
import { languageLinks, visitorLanguage } from '../page-language';
import { pageHeaders } from '../page-response';
import { VIEWS_DIR, ViewsService } from '../views.service';
import { CONSOLE_HOME } from './safe-next';

/** Nothing private is for search engines: the console, the dashboard, members' sign links and the API. */
const ROBOTS = ['User-agent: *', 'Disallow: /console', 'Disallow: /admin', 'Disallow: /sign', 'Disallow: /api', ''].join('\n');

/**
 * The site's front door: staff with a session go on to the console; everyone else reads a
 * small public page with the way to join and the staff sign-in. (Members have no password:
 * their emailed links open their pages.) Plus the favicon and robots.txt.
 */
@ApiExcludeController()
@Controller()
@Public()
export class HomeController {
  private readonly favicon = readFileSync(join(VIEWS_DIR, 'assets', 'favicon.ico'));

  constructor(
    @Inject(StaffSessionsService) private readonly sessions: StaffSessionsService,
    @Inject(ViewsService) private readonly views: ViewsService,
  ) {}

  @Get()
  async home(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    if (await this.sessions.callerOf(request)) {
      response.status(HttpStatus.SEE_OTHER).setHeader('Location', CONSOLE_HOME);
      response.setHeader('Cache-Control', 'no-store');
      return '';
    }
    const language = visitorLanguage(request);
    pageHeaders(response, HttpStatus.OK);
    return this.views.render('home', {}, { title: catalogueOf(language).t('home.title'), nav: [], unsubscribeUrl: null, language, languageLinks: languageLinks('/', language) });
  }

  @Get('favicon.ico')
  icon(@Res() response: Response): void {
    response.setHeader('Content-Type', 'image/x-icon');
    response.setHeader('Cache-Control', 'public, max-age=86400');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.end(this.favicon);
  }

  @Get('robots.txt')
  robots(@Res({ passthrough: true }) response: Response): string {
    response.setHeader('Content-Type', 'text/plain; charset=utf-8');
    response.setHeader('Cache-Control', 'public, max-age=86400');
    return ROBOTS;
  }
}
