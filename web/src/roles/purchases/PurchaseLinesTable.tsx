import { useItemName } from '../../api/reference.js';
import type { Schemas } from '../../api/client.js';
import { formatNumber } from '../../i18n/format.js';
import { defineTexts, useLanguage, useTexts } from '../../i18n/language.js';

const texts = defineTexts({ item: 'Artikel', ordered: 'Beställt', received: 'Mottaget' }, { item: 'Item', ordered: 'Ordered', received: 'Received' });

type Line = Schemas['PurchaseLineDto'];

/**
 * A purchase order's lines as the service counts them: ordered, received, still to come. The region
 * and the warehouse both show it; only the last column's name differs, as each reads it from its side
 * (still to deliver, still to receive).
 */
export const PurchaseLinesTable = ({
  lines,
  outstandingLabel,
  caption,
  captionHidden = false,
  labelledBy,
  emphasiseOutstanding = false,
}: {
  lines: readonly Line[];
  outstandingLabel: string;
  /** The table's caption; or, without one, `labelledBy` names the heading that names it. */
  caption?: string;
  captionHidden?: boolean;
  labelledBy?: string;
  /** Bold what is still to come, where that is what the page is for (what to receive). */
  emphasiseOutstanding?: boolean;
}) => {
  const t = useTexts(texts);
  const { language } = useLanguage();
  const itemName = useItemName();
  return (
    <div className="table-wrap">
      <table aria-labelledby={labelledBy}>
        {caption !== undefined ? <caption className={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption> : null}
        <thead>
          <tr>
            <th scope="col">{t('item')}</th>
            <th scope="col" className="num">
              {t('ordered')}
            </th>
            <th scope="col" className="num">
              {t('received')}
            </th>
            <th scope="col" className="num">
              {outstandingLabel}
            </th>
          </tr>
        </thead>
        <tbody>
          {lines.map((line) => (
            <tr key={line.item}>
              <th scope="row">{itemName(line.item)}</th>
              <td className="num">{formatNumber(line.ordered, language)}</td>
              <td className="num">{formatNumber(line.received, language)}</td>
              <td className="num">
                {emphasiseOutstanding ? <strong>{formatNumber(line.outstanding, language)}</strong> : formatNumber(line.outstanding, language)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
};
