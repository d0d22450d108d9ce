import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The message catalogues of the pages, member mail and the letters' fixed phrases:
 * locales/<language>.json, nested objects of strings. `{name}` in a message is replaced by
 * the parameter of that name; a message given as {one, few, many, other} (any of the plural
 * categories, with `other`) is chosen by the `count` parameter with the language's plural
 * rules. English is complete; another language falls back to English key by key, and a
 * language with no catalogue is English. (nestjs-i18n asks for Node 22; qalam runs on 20.)
 */

/** The repository's locales/ folder, from src/ (tests) or dist/ (built). */
export const LOCALES_DIR = join(__dirname, '..', '..', '..', 'locales');

export const FALLBACK_LANGUAGE = 'en';

type Plural = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
type Message = string | Plural;
export type Params = Record<string, string | number>;

const PLURAL_CATEGORIES: ReadonlySet<string> = new Set(['zero', 'one', 'two', 'few', 'many', 'other']);

/** A message's text cut at its `{name}` slots once: literal, name, literal, ..., literal. */
type Pieces = readonly string[];

function piecesOf(text: string): Pieces {
  return text.split(/\{(\w+)\}/g);
}

/** One language's messages, with English behind it. */
export class Catalogue {
  private readonly plurals: Intl.PluralRules;
  private readonly numbers: Intl.NumberFormat;
  /** Each message's text (each plural form's) cut at its slots on first use: a page asks for the same keys again and again. */
  private readonly cut = new Map<string, Pieces>();

  constructor(
    readonly language: string,
    private readonly own: ReadonlyMap<string, Message>,
    private readonly fallback: ReadonlyMap<string, Message>,
  ) {
    this.plurals = new Intl.PluralRules(language);
    this.numbers = new Intl.NumberFormat(language);
  }

  /** The message of `key` with its parameters filled in; an unknown key is a bug, and throws. */
  t(key: string, params: Params = {}): string {
    const message = this.own.get(key) ?? this.fallback.get(key);
    if (message === undefined) throw new Error(`no message '${key}'`);
    let text: string;
    if (typeof message === 'string') {
      text = message;
    } else {
      const count = Number(params.count ?? 0);
      text = message[this.plurals.select(count)] ?? message.other;
    }
    let pieces = this.cut.get(text);
    if (pieces === undefined) {
      pieces = piecesOf(text);
      this.cut.set(text, pieces);
    }
    if (pieces.length === 1) return text;
    let filled = pieces[0];
    for (let index = 1; index < pieces.length; index += 2) {
      const name = pieces[index];
      const value = params[name];
      // A slot with no parameter stays as written, braces and all.
      filled += (value === undefined ? `{${name}}` : typeof value === 'number' ? this.numbers.format(value) : value) + pieces[index + 1];
    }
    return filled;
  }

  /**
   * The text of `key` when it is one plain string with no slot (what `t(key)` gives whatever
   * the parameters); null for a plural message, one with slots, or an unknown key.
   */
  plain(key: string): string | null {
    const message = this.own.get(key) ?? this.fallback.get(key);
    return typeof message === 'string' && !/\{\w+\}/.test(message) ? message : null;
  }

  has(key: string): boolean {
    return this.own.has(key) || this.fallback.has(key);
  }
}

/** Flattens nested objects to dotted keys; a plural object is one message. */
export function flatten(tree: unknown, prefix = '', into = new Map<string, Message>()): Map<string, Message> {
  if (typeof tree === 'string') {
    into.set(prefix, tree);
    return into;
  }
  if (tree === null || typeof tree !== 'object' || Array.isArray(tree)) throw new Error(`message '${prefix}' must be a string or an object`);
  const entries = Object.entries(tree as Record<string, unknown>);
  if (prefix !== '' && entries.length > 0 && entries.every(([key, value]) => PLURAL_CATEGORIES.has(key) && typeof value === 'string') && 'other' in tree) {
    into.set(prefix, tree as Plural);
    return into;
  }
  for (const [key, value] of entries) flatten(value, prefix ? `${prefix}.${key}` : key, into);
  return into;
}

/** Every catalogue of a folder, by language. */
export function loadCatalogues(dir = LOCALES_DIR): Map<string, Map<string, Message>> {
  const catalogues = new Map<string, Map<string, Message>>();
  for (const file of readdirSync(dir).sort()) {
    const match = /^([a-z]{2})\.json$/.exec(file);
    if (!match) continue;
    catalogues.set(match[1], flatten(JSON.parse(readFileSync(join(dir, file), 'utf8'))));
  }
  if (!catalogues.has(FALLBACK_LANGUAGE)) throw new Error(`${dir} has no ${FALLBACK_LANGUAGE}.json`);
  return catalogues;
}

let loaded: Map<string, Catalogue> | undefined;

function catalogues(): Map<string, Catalogue> {
  if (!loaded) {
    const raw = loadCatalogues();
    const english = raw.get(FALLBACK_LANGUAGE)!;
    loaded = new Map([...raw].map(([language, own]) => [language, new Catalogue(language, own, english)]));
  }
  return loaded;
}

/** The catalogue of a language; English for a language without one. */
export function catalogueOf(language: string): Catalogue {
  const all = catalogues();
  return all.get(language) ?? all.get(FALLBACK_LANGUAGE)!;
}

/** The languages that have a catalogue, English first. */
export function catalogueLanguages(): string[] {
  return [...catalogues().keys()].sort((a, b) => (a === FALLBACK_LANGUAGE ? -1 : b === FALLBACK_LANGUAGE ? 1 : a.localeCompare(b)));
}

/**
 * The best of `available` for an Accept-Language header (RFC 9110 weights; `ru-RU` matches
 * `ru`); the first available when nothing matches.
 */
export function bestLanguage(header: string | undefined, available: readonly string[]): string {
  const wanted = (header ?? '')
    .split(',')
    .map((part, index) => {
      const [tag, ...rest] = part.trim().split(';');
      const q = rest.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean);
      return { language: tag.trim().toLowerCase().split('-')[0], q: q ? Number(q[1]) : 1, index };
    })
    .filter((entry) => /^[a-z]{2}$/.test(entry.language) && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return wanted.find((entry) => available.includes(entry.language))?.language ?? available[0];
}
