import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { fill, loadCatalogues, messageOf, negotiateLanguage } from './messages.js';

const catalogues = loadCatalogues();

/** Every `'AREA.CODE'` literal in the service's sources: the codes it can answer with. */
const codesInSources = (): Map<string, string> => {
  const root = new URL('../', import.meta.url);
  const found = new Map<string, string>();
  const walk = (dir: URL, relative: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(new URL(`${entry.name}/`, dir), `${relative}${entry.name}/`);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
        const text = readFileSync(new URL(entry.name, dir), 'utf8');
        for (const [, code] of text.matchAll(/['`]([A-Z][A-Z0-9_]*\.[A-Z][A-Z0-9_]*)['`]/g)) found.set(code!, `${relative}${entry.name}`);
      }
    }
  };
  walk(root, 'src/');
  return found;
};

const placeholders = (text: string | undefined) => [...(text ?? '').matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the message catalogue', () => {
  it('has a title and a message in English and Swedish for every code the service uses', () => {
    const codes = codesInSources();
    expect(codes.size).toBeGreaterThan(60);
    const missing = [...codes].flatMap(([code, file]) =>
      (['en', 'sv'] as const).filter((l) => !catalogues[l][code]?.title || !catalogues[l][code]?.message).map((l) => `${code} (${file}) in ${l}`),
    );
    expect(missing).toEqual([]);
  });

  it('says the same things in both languages: the same codes, the same parameters', () => {
    expect(Object.keys(catalogues.sv).sort()).toEqual(Object.keys(catalogues.en).sort());
    for (const [code, en] of Object.entries(catalogues.en)) {
      const sv = catalogues.sv[code]!;
      expect({ code, message: placeholders(sv.message) }).toEqual({ code, message: placeholders(en.message) });
      expect({ code, withSuggestion: placeholders(sv.withSuggestion) }).toEqual({ code, withSuggestion: placeholders(en.withSuggestion) });
    }
  });

  it('fills parameters, leaves unknown ones, and takes the suggesting form when there is a suggestion', () => {
    expect(fill('{requested} of {item}, {x}', { requested: 5, item: 'FFP2' })).toBe('5 of FFP2, {x}');
    expect(messageOf('sv', 'REFERENCE.UNKNOWN_ITEM', { item: 'ffp2' })).toBe('ffp2 finns inte i artikelkatalogen');
    expect(messageOf('en', 'REFERENCE.UNKNOWN_ITEM', { item: 'ffp2', suggestion: 'FFP2' })).toBe('ffp2 is not in the item catalogue; did you mean FFP2?');
  });
});

describe('negotiateLanguage', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['sv', 'sv'],
    ['sv-SE', 'sv'],
    ['SV-se', 'sv'],
    ['de-DE, sv;q=0.8, en;q=0.5', 'sv'],
    ['en;q=0.5, sv;q=0.9', 'sv'],
    ['sv;q=0.3, en-GB;q=0.8', 'en'],
    ['sv;q=0, en;q=0.1', 'en'],
    ['sv;q=0', 'en'],
    ['*', 'en'],
    ['fi, sv', 'sv'],
    ['svenska', 'en'],
  ])('%p → %s', (header, language) => expect(negotiateLanguage(header)).toBe(language));
});
