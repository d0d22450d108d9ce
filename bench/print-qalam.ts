import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as DefaultTemplates from '../src/templates/default-templates';
import type * as LetterContextModule from '../src/templates/letter-context';
import type * as LetterRenderer from '../src/templates/letter-renderer.service';
import type * as Messages from '../src/common/i18n/messages';
import type * as PdfOutput from '../src/printing/pdf-output';
import type * as PostalAddressModule from '../src/printing/postal-address';
import type * as PrintRun from '../src/printing/print-run';
import type * as TemplateCache from '../src/templates/template-cache.service';
import type * as TemplateEngine from '../src/templates/template-engine';
import { ROOT } from './qalam-processes';

/**
 * qalam's print-run code as `npm run build` leaves it in dist/, the build that ships (and
 * whose locales/ and templates/ lookups resolve from there), typed by its sources. The bench
 * calls the pure writers and the renderer directly: a print run has no HTTP surface yet.
 */
const fromBuild = createRequire(join(ROOT, 'dist', 'main.js'));

export function loadQalam() {
  // Nest's decorators, on the renderer and the template cache, need the metadata API.
  fromBuild('reflect-metadata');
  return {
    printRun: fromBuild('./printing/print-run.js') as typeof PrintRun,
    pdfOutput: fromBuild('./printing/pdf-output.js') as typeof PdfOutput,
    postalAddress: fromBuild('./printing/postal-address.js') as typeof PostalAddressModule,
    renderer: fromBuild('./templates/letter-renderer.service.js') as typeof LetterRenderer,
    templateCache: fromBuild('./templates/template-cache.service.js') as typeof TemplateCache,
    defaultTemplates: fromBuild('./templates/default-templates.js') as typeof DefaultTemplates,
    letterContext: fromBuild('./templates/letter-context.js') as typeof LetterContextModule,
    templateEngine: fromBuild('./templates/template-engine.js') as typeof TemplateEngine,
    messages: fromBuild('./common/i18n/messages.js') as typeof Messages,
  };
}

export type Qalam = ReturnType<typeof loadQalam>;
