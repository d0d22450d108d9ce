import { Module } from '@nestjs/common';
import { LetterRendererService } from './letter-renderer.service';
import { TemplateCacheService } from './template-cache.service';

/** The rendering path, with no table of its own: the worker, the API and the pages import it, and share its one cache. */
@Module({
  providers: [TemplateCacheService, LetterRendererService],
  exports: [LetterRendererService],
})
export class RenderingModule {}
