import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { Catalogue, catalogueLanguages, catalogueOf, Params } from '../common/i18n/messages';
import { QALAM_CONFIG, QalamConfig } from '../config/config';

/** The repository's views/ folder, from src/ (tests) or dist/ (built). */
export const VIEWS_DIR = join(__dirname, '..', '..', 'views');

/** What every page tells the layout. */
export interface LayoutModel {
  title: string;
  /** Links of the member's own pages, shown in the header; none on public pages. */
  nav: { href: string; label: string; current: boolean }[];
  /** A link to stop all emails, in the footer of a member's pages. */
  unsubscribeUrl: string | null;
  /** Same-origin script addresses, at the end of the body (the dashboard's only). */
  scripts?: string[];
  /** The language of the page's words (locales/<language>.json); English when unset. */
  language?: string;
  /** The staff console's "Log out" (a POST form with this CSRF token), after the nav links. */
  signOut?: { csrf: string } | null;
  /** Links to the same page in other languages, on public pages. */
  languageLinks?: { href: string; label: string; language: string }[];
}

type PageTemplate = HandlebarsTemplateDelegate<Record<string, unknown>>;

/**
 * Server-rendered pages: views/layouts/main.hbs around views/pages/<name>.hbs, with the
 * partials of views/partials/. Everything is read and compiled once at boot, so a request
 * pays only for running the templates. Views use Handlebars' default escaping: a value
 * reaches the page as text, never as markup. Outside production (the tests, development)
 * views are compiled `strict`, so a misspelt field is an error in the tests instead of a
 * silent blank on a member's page; production compiles them without the check, which gives
 * the same HTML for every model the tests render and costs a list page a fifth less.
 */
@Injectable()
export class ViewsService {
  /** Each catalogue's language's views (pages, partials, layout), with its plain words set in. */
  private readonly views = new Map<string, LanguageViews>();
  /** The stylesheet, served from memory by the assets route. */
  readonly stylesheet: string;
  /** Its address carries a hash of its content, so browsers may keep it for good. */
  readonly stylesheetPath: string;

  /** Same-origin scripts of the dashboard, by their hashed address: chart.js's UMD build and the script that draws with it. */
  readonly scripts = new Map<string, string>();
  readonly chartScriptPath: string;
  readonly dashboardScriptPath: string;
  /** htmx, which lets a console page refresh a part of itself (an appeal's live counts) from our own origin. */
  readonly htmxScriptPath: string;

  constructor(@Inject(QALAM_CONFIG) config: Pick<QalamConfig, 'production'>) {
    const options = config.production ? PRODUCTION_OPTIONS : OPTIONS;
    const read = (folder: string) =>
      readdirSync(folder)
        .filter((name) => name.endsWith('.hbs'))
        .map((file) => ({ name: basename(file, '.hbs'), source: readFileSync(join(folder, file), 'utf8') }));
    const partials = read(join(VIEWS_DIR, 'partials'));
    const pages = read(join(VIEWS_DIR, 'pages'));
    const layout = readFileSync(join(VIEWS_DIR, 'layouts', 'main.hbs'), 'utf8');
    for (const language of catalogueLanguages()) this.views.set(language, compileViews(catalogueOf(language), partials, pages, layout, options));
    this.stylesheet = readFileSync(join(VIEWS_DIR, 'assets', 'qalam.css'), 'utf8');
    this.stylesheetPath = `/assets/qalam-${createHash('sha256').update(this.stylesheet).digest('hex').slice(0, 12)}.css`;
    const chart = readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
    this.chartScriptPath = `/assets/chart-${hashOf(chart)}.js`;
    this.scripts.set(this.chartScriptPath, chart);
    const dashboard = readFileSync(join(VIEWS_DIR, 'assets', 'dashboard.js'), 'utf8');
    this.dashboardScriptPath = `/assets/dashboard-${hashOf(dashboard)}.js`;
    this.scripts.set(this.dashboardScriptPath, dashboard);
    const htmx = readFileSync(join(dirname(require.resolve('htmx.org')), 'htmx.min.js'), 'utf8');
    this.htmxScriptPath = `/assets/htmx-${hashOf(htmx)}.js`;
    this.scripts.set(this.htmxScriptPath, htmx);
  }

  /** A page's own part without the layout: what htmx swaps into a page already shown. */
  fragment(page: string, model: object, language: string): string {
    const template = this.viewsOf(language).pages.get(page);
    if (!template) throw new Error(`no view named '${page}'`);
    return template({ ...(model as Record<string, unknown>), lang: language });
  }

  /**
   * One partial alone, as its page would render it, for a part of a page that is the same
   * for many requests: rendered once and set into each page as it is (`{{{...}}}`).
   */
  partial(name: string, model: object, language: string): string {
    const template = this.viewsOf(language).partials.get(name);
    if (!template) throw new Error(`no partial named '${name}'`);
    return template({ ...(model as Record<string, unknown>), lang: language });
  }

  /** The whole HTML document of one page. */
  render(page: string, model: object, layout: LayoutModel): string {
    const lang = layout.language ?? 'en';
    const views = this.viewsOf(lang);
    const template = views.pages.get(page);
    if (!template) throw new Error(`no view named '${page}'`);
    const content = template({ ...(model as Record<string, unknown>), lang });
    return views.layout({ scripts: [], languageLinks: [], signOut: null, ...layout, lang, stylesheetPath: this.stylesheetPath, content });
  }

  /** The views of a language's catalogue (English for a language with none, as catalogueOf). */
  private viewsOf(language: string): LanguageViews {
    return this.views.get(catalogueOf(language).language)!;
  }
}

type CompileOptions = NonNullable<Parameters<typeof Handlebars.compile>[1]>;

interface LanguageViews {
  pages: Map<string, PageTemplate>;
  partials: Map<string, PageTemplate>;
  layout: PageTemplate;
}

/**
 * Strict: a value a view names and its model lacks is an error, not an empty string. Known
 * helpers only (`t` and the built-ins): every other mustache is a plain value, looked up
 * directly, not tried as a helper first on every render of every row (a view that calls an
 * unknown helper fails when it is compiled, at boot).
 */
const OPTIONS: CompileOptions = { strict: true, preventIndent: true, knownHelpersOnly: true, knownHelpers: { t: true } };

/**
 * Production's: the same without `strict`, whose every lookup allocates the location it
 * would report (three objects per value: a members list page of 50 rows made 1,000 of them
 * and spent a fifth of its CPU on them and their collection). A field missing in production
 * renders blank rather than turning a member's page into an error.
 */
const PRODUCTION_OPTIONS: CompileOptions = { ...OPTIONS, strict: false };

/**
 * A static `{{t "key"}}` (no parameters) says the same on every render: a plain message of
 * the catalogue is set into the source as the helper would give it, escaped. Messages with
 * slots, plurals, and any text with a brace or a backslash (which Handlebars would read as
 * its own) stay helper calls, as does every `{{t}}` with parameters.
 */
export function inlineWords(source: string, messages: Catalogue): string {
  return source.replace(/\{\{t "([\w.-]+)"\}\}/g, (call, key: string) => {
    const text = messages.plain(key);
    return text === null || /[{}\\]/.test(text) ? call : Handlebars.escapeExpression(text);
  });
}

function compileViews(messages: Catalogue, partials: { name: string; source: string }[], pages: { name: string; source: string }[], layout: string, options: CompileOptions): LanguageViews {
  // An environment per language: its partials are that language's too.
  const env = Handlebars.create();
  // {{t "key" name=value}}: a message of the page's language (the render's `lang`), escaped as any value.
  env.registerHelper('t', function (this: unknown, key: unknown, options: Handlebars.HelperOptions) {
    const root = (options.data as { root?: { lang?: unknown } } | undefined)?.root;
    const language = typeof root?.lang === 'string' ? root.lang : 'en';
    return catalogueOf(language).t(String(key), options.hash as Params);
  });
  const compiled: LanguageViews = { pages: new Map(), partials: new Map(), layout: env.compile(inlineWords(layout, messages), options) };
  for (const { name, source } of partials) {
    const partial = env.compile<Record<string, unknown>>(inlineWords(source, messages), options);
    env.registerPartial(name, partial);
    compiled.partials.set(name, partial);
  }
  for (const { name, source } of pages) compiled.pages.set(name, env.compile(inlineWords(source, messages), options));
  return compiled;
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}
