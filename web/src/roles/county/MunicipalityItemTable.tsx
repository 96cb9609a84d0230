import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useItemName } from '../../api/reference.js';
import { useTexts } from '../../i18n/language.js';
import { StatusBadge, type StockStatus } from '../../ui/states.js';
import { TableWrap } from '../../ui/TableWrap.js';
import { useFormat } from '../../ui/useFormat.js';
import { municipalityPath } from './paths.js';
import { statusCell } from './StockBadge.js';
import { countyTexts } from './texts.js';

interface Row {
  readonly code: string;
  readonly name: string;
  readonly status: StockStatus;
  readonly infections: number | null;
  readonly lastReportedAt: string | null;
  readonly items: readonly { readonly item: string; readonly status: StockStatus }[];
}

/**
 * The county's municipality × item table, as "Länet i dag" and the situation picture both show it: a
 * row per municipality with its status, infections and last report, and per item a cell tinted and
 * worded by its status. Each page says what else goes under the name and in the cell.
 */
export const MunicipalityItemTable = <R extends Row>({
  caption,
  rows,
  items,
  underName,
  figures,
}: {
  caption: string;
  rows: readonly R[];
  items: readonly string[];
  underName?: (row: R) => ReactNode;
  figures: (row: R, figures: R['items'][number]) => ReactNode;
}) => {
  const t = useTexts(countyTexts);
  const f = useFormat();
  const itemName = useItemName();
  return (
    <TableWrap label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('col.municipality')}</th>
            <th scope="col">{t('col.status')}</th>
            <th scope="col" className="num">
              {t('col.infections')}
            </th>
            <th scope="col">{t('col.lastReport')}</th>
            {items.map((item) => (
              <th scope="col" key={item}>
                {itemName(item)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((m) => (
            <tr key={m.code}>
              <th scope="row">
                <Link to={municipalityPath(m.code)}>{m.name}</Link>
                {underName?.(m)}
              </th>
              <td>
                <StatusBadge status={m.status} />
              </td>
              <td className="num">{f.number(m.infections, 0)}</td>
              <td>{f.dateTime(m.lastReportedAt)}</td>
              {items.map((code) => {
                const cell = m.items.find((i) => i.item === code);
                if (!cell) return <td key={code}>–</td>;
                return (
                  <td key={code} className={statusCell(cell.status)}>
                    <div className="cell-figures">
                      <StatusBadge status={cell.status} />
                      {figures(m, cell)}
                    </div>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
};
