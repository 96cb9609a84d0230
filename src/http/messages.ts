import { existsSync, readFileSync } from 'node:fs';

/**
 * The message catalogue: what every error code says to people, in English and Swedish. It lives in
 * the repository's `messages/` folder (`en.json`, `sv.json`, keyed by code) so that a web front end
 * reads the same texts as the service; the service loads it once, at start.
 */

export const LANGUAGES = ['en', 'sv'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

export interface CatalogueEntry {
  /** A short summary of the kind of problem: a problem's `title`. */
  readonly title: string;
  /** What went wrong, with `{parameters}`: a problem's `detail` or a field error's `message`. */
  readonly message: string;
  /** The message when there is a `{suggestion}` to offer (an unknown code close to a known one). */
  readonly withSuggestion?: string;
}

export type Catalogue = Readonly<Record<string, CatalogueEntry>>;

/** The `messages/` folder: the nearest one above this module, in the sources and in `dist/` alike. */
const messagesFolder = (): URL => {
  for (let up = '../'; up.length <= 4 * 3; up += '../') {
    const folder = new URL(`${up}messages/`, import.meta.url);
    if (existsSync(new URL('en.json', folder))) return folder;
  }
  throw new Error(`no messages/ folder above ${import.meta.url}`);
};

export const loadCatalogues = (): Readonly<Record<Language, Catalogue>> => {
  const folder = messagesFolder();
  const read = (language: Language) => JSON.parse(readFileSync(new URL(`${language}.json`, folder), 'utf8')) as Catalogue;
  return { en: read('en'), sv: read('sv') };
};

let loaded: Readonly<Record<Language, Catalogue>> | undefined;
/** Both catalogues, read on first use (at start: the filter and the rate limiter use them). */
export const catalogues = (): Readonly<Record<Language, Catalogue>> => (loaded ??= loadCatalogues());

/**
 * The language to answer in, from an `Accept-Language` header: the highest-weighted of the ones the
 * catalogue has (`sv`, `sv-SE`, `en-GB` …), English when none is acceptable or the header is absent.
 */
export const negotiateLanguage = (header: string | readonly string[] | undefined): Language => {
  const text = Array.isArray(header) ? header.join(',') : ((header as string | undefined) ?? '');
  const ranges = text
    .split(',')
    .map((part, index) => {
      const [tag = '', ...parameters] = part.trim().split(';');
      const q = parameters.map((p) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((range) => range.tag !== '' && range.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranges) {
    if (tag === '*') return DEFAULT_LANGUAGE;
    const language = LANGUAGES.find((l) => tag === l || tag.startsWith(`${l}-`));
    if (language) return language;
  }
  return DEFAULT_LANGUAGE;
};

/** `{name}` replaced by its parameter; a name without a parameter stays as written. */
export const fill = (template: string, parameters: Readonly<Record<string, unknown>>): string =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = parameters[name];
    if (value === undefined || value === null) return whole;
    return Array.isArray(value) ? value.join(', ') : typeof value === 'object' ? JSON.stringify(value) : String(value as string | number);
  });

/** The entry for a code in a language, falling back to English, then to a generic entry. */
export const entryOf = (language: Language, code: string): CatalogueEntry =>
  catalogues()[language][code] ?? catalogues().en[code] ?? catalogues()[language]['FIELD.INVALID']!;

/** A code's message in a language with its parameters filled in (the suggesting form when there is a suggestion). */
export const messageOf = (language: Language, code: string, parameters: Readonly<Record<string, unknown>> = {}): string => {
  const entry = entryOf(language, code);
  return fill(parameters.suggestion !== undefined && entry.withSuggestion ? entry.withSuggestion : entry.message, parameters);
};

export const titleOf = (language: Language, code: string): string => entryOf(language, code).title;
