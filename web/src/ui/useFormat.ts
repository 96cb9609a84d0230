import { useMemo } from 'react';
import { formatDate, formatDateTime, formatNumber } from '../i18n/format.js';
import { useLanguage } from '../i18n/language.js';

/** The format helpers in the page's language: numbers, dates and Stockholm times as people here read them. */
export const useFormat = () => {
  const { language } = useLanguage();
  return useMemo(
    () => ({
      number: (value: number | null | undefined, digits = 1) => formatNumber(value, language, digits),
      date: (iso: string | null | undefined) => formatDate(iso, language),
      dateTime: (iso: string | null | undefined) => formatDateTime(iso, language),
    }),
    [language],
  );
};
