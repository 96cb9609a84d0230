import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';

/**
 * The language of the screens: Swedish first, English one click away. The choice is kept in this
 * browser, sets `<html lang>`, and is sent to the API as `Accept-Language`, so its error messages
 * (from the service's catalogue, `messages/*.json`, by error code) come in the same language.
 */
export type Language = 'sv' | 'en';
const STORAGE_KEY = 'ppe-ledger.language';

let current: Language = readStored();
function readStored(): Language {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'sv';
  } catch {
    return 'sv';
  }
}

/** The language outside React (the API client's Accept-Language). */
export const currentLanguage = (): Language => current;

interface LanguageState {
  readonly language: Language;
  readonly setLanguage: (language: Language) => void;
}

const LanguageContext = createContext<LanguageState>({ language: 'sv', setLanguage: () => {} });

export const LanguageProvider = ({ children }: { children: ReactNode }) => {
  const [language, setState] = useState<Language>(current);
  const setLanguage = useCallback((next: Language) => {
    current = next;
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // A browser that keeps nothing still switches for this visit.
    }
    setState(next);
  }, []);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const value = useMemo(() => ({ language, setLanguage }), [language, setLanguage]);
  return <LanguageContext.Provider value={value}>{children}</LanguageContext.Provider>;
};

export const useLanguage = (): LanguageState => useContext(LanguageContext);

/** Texts of one part of the app, in both languages: English must have every key Swedish has. */
export interface Texts<K extends string> {
  readonly sv: Readonly<Record<K, string>>;
  readonly en: Readonly<Record<K, string>>;
}

export const defineTexts = <K extends string>(sv: Record<K, string>, en: Record<NoInfer<K>, string>): Texts<K> => ({ sv, en });

/** Fills `{name}` placeholders. */
export const fill = (text: string, parameters: Readonly<Record<string, string | number>> = {}): string =>
  text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in parameters ? String(parameters[name]) : whole));

/** `t(key, parameters)` in the current language. */
export const useTexts = <K extends string>(texts: Texts<K>) => {
  const { language } = useLanguage();
  return useCallback((key: K, parameters?: Readonly<Record<string, string | number>>) => fill(texts[language][key], parameters), [texts, language]);
};
