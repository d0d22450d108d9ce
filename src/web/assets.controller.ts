import { Controller, Get, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../common/auth/roles.decorator';
import { ViewsService } from './views.service';

/** The pages' one stylesheet and the dashboard's scripts, from memory; its name changes with its content, so it is cached for good. */
// A page for browsers (HTML, forms), not part of the JSON API: left out of the OpenAPI document.
@ApiExcludeController()
@Controller('assets')
@Public()
export class AssetsController {
  constructor(@Inject(ViewsService) private readonly views: ViewsService) {}

  @Get(':file')
  stylesheet(@Param('file') file: string, @Res({ passthrough: true }) response: Response): string {
    const script = this.views.scripts.get(`/assets/${file}`);
    if (script !== undefined) {
      response.setHeader('Content-Type', 'text/javascript; charset=utf-8');
      response.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      response.setHeader('X-Content-Type-Options', 'nosniff');
      return script;
    }
    if (`/assets/${file}` !== this.views.stylesheetPath) throw new NotFoundException('Not found');
    response.setHeader('Content-Type', 'text/css; charset=utf-8');
    response.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    return this.views.stylesheet;
  }
}
