import { lazy, Suspense } from 'react';
import { formatNumber } from '../i18n/format.js';
import { useLanguage, useTexts } from '../i18n/language.js';
import { Loading } from './states.js';
import { common } from './texts.js';
import type { ChartProps } from './charts.js';

const ChartView = lazy(() => import('./charts.js'));

/** Colours that keep 3:1 against white and apart from each other (WCAG 1.4.11). */
export const CHART_COLORS = ['#005ea5', '#b35900', '#2e7d32', '#6a1b9a', '#c62828', '#00695c'] as const;

/**
 * A chart with its figures beside it: a figure (`<figure>`, captioned) whose data is also a table
 * one click away, for anyone who cannot see the chart or wants the exact numbers.
 */
export const Chart = ({ caption, ...props }: ChartProps & { caption: string }) => {
  const t = useTexts(common);
  const { language } = useLanguage();
  const formatValue = (value: number) => formatNumber(value, language);
  return (
    <figure className="chart">
      <figcaption>{caption}</figcaption>
      <div role="img" aria-label={caption}>
        <Suspense fallback={<Loading />}>
          <ChartView formatValue={formatValue} {...props} />
        </Suspense>
      </div>
      <details>
        <summary>{t('showAsTable')}</summary>
        <table>
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{props.x}</th>
              {props.series.map((s) => (
                <th key={s.key} scope="col">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.data.map((row, i) => (
              <tr key={i}>
                <th scope="row">{row[props.x]}</th>
                {props.series.map((s) => (
                  <td key={s.key} className="num">
                    {typeof row[s.key] === 'number' ? formatValue(row[s.key] as number) : (row[s.key] ?? '–')}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
};
