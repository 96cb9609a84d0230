import { useItemName } from '../../api/reference.js';
import { formatDate, formatNumber } from '../../i18n/format.js';
import { defineTexts, useLanguage, useTexts } from '../../i18n/language.js';
import { ExpiryBadge, LotName } from './components.js';
import { stockholmToday } from './expiry.js';
import type { PickedLine } from './picking.js';
import { shared } from './texts.js';

const texts = defineTexts(
  {
    pick: 'Plocka',
    expiry: 'Status',
    missing: 'Saknas i lagret: {quantity}',
    nothing: 'Välj artikel och antal så visas vilka partier som plockas.',
  },
  {
    pick: 'Pick',
    expiry: 'Status',
    missing: 'Not in stock: {quantity}',
    nothing: 'Choose an item and a quantity to see which lots are picked.',
  },
);

/** A picking list: per line, the lots to take and how many of each, with each lot's expiry in words. */
export const PickingTable = ({ caption, lines }: { caption: string; lines: readonly PickedLine[] }) => {
  const t = useTexts(texts);
  const s = useTexts(shared);
  const { language } = useLanguage();
  const itemName = useItemName();
  const today = stockholmToday();
  const shown = lines.filter((l) => l.picks.length > 0 || l.missing > 0);
  if (shown.length === 0) return <p className="muted">{t('nothing')}</p>;
  return (
    <div className="table-wrap">
      <table className="picking-list">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{s('item')}</th>
            <th scope="col">{s('lot')}</th>
            <th scope="col">{s('expiresOn')}</th>
            <th scope="col" className="num">
              {t('pick')}
            </th>
            <th scope="col">{t('expiry')}</th>
          </tr>
        </thead>
        <tbody>
          {shown.flatMap((line, i) => [
            ...line.picks.map((p, j) => (
              <tr key={`${i}-${j}`}>
                <th scope="row">{itemName(line.item)}</th>
                <td>
                  <LotName lot={p.lot} />
                </td>
                <td>{p.expiresOn ? formatDate(p.expiresOn, language) : s('noExpiry')}</td>
                <td className="num">{formatNumber(p.quantity, language)}</td>
                <td>
                  <ExpiryBadge expiresOn={p.expiresOn} today={today} />
                </td>
              </tr>
            )),
            ...(line.missing > 0
              ? [
                  <tr key={`${i}-missing`}>
                    <th scope="row">{itemName(line.item)}</th>
                    <td colSpan={4} className="missing">
                      {t('missing', { quantity: formatNumber(line.missing, language) })}
                    </td>
                  </tr>,
                ]
              : []),
          ])}
        </tbody>
      </table>
    </div>
  );
};
