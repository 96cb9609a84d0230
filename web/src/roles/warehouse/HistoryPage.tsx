import { type FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, ApiError } from '../../api/client.js';
import { useFileDownload } from '../../api/download.js';
import { LIVE_REFRESH_MS, useItemName, useMunicipalities } from '../../api/reference.js';
import { formatDateTime, formatNumber } from '../../i18n/format.js';
import { defineTexts, useLanguage, useTexts } from '../../i18n/language.js';
import { SelectField, TextField } from '../../ui/Field.js';
import { Page } from '../../ui/Page.js';
import { EmptyState, Loading, ProblemMessage } from '../../ui/states.js';
import { common } from '../../ui/texts.js';
import { DeliveryStatusBadge, WarehouseGate } from './components.js';
import { addDays } from './expiry.js';
import { type DeliveryFilter, useDeliveries } from './queries.js';
import { shared } from './texts.js';

const PAGE_SIZE = 50;
const STATUSES = ['in-transit', 'received', 'received-with-discrepancy'] as const;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const texts = defineTexts(
  {
    title: 'Leveranshistorik',
    intro: 'Alla leveranser från lagret: vad som skickades, från vilka partier, vem som registrerade det och om kommunen har bekräftat.',
    filters: 'Urval',
    allMunicipalities: 'Alla kommuner',
    status: 'Status',
    allStatuses: 'Alla',
    from: 'Avgick från och med',
    to: 'Avgick till och med',
    show: 'Visa',
    clear: 'Rensa urvalet',
    caption: 'Leveranser ({total} st)',
    shown: 'Visar {first}–{last} av {total}.',
    previous: 'Föregående sida',
    next: 'Nästa sida',
    sentAt: 'Avgick',
    contents: 'Innehåll',
    lots: 'Partier',
    vehicle: 'Fordon',
    allocation: 'Enligt fördelning',
    yes: 'Ja',
    no: 'Nej',
    recordedBy: 'Registrerad av',
    empty: 'Inga leveranser',
    emptyFiltered: 'Inga leveranser matchar urvalet. Ändra eller rensa urvalet.',
    emptyText: 'När lagret registrerar en leverans visas den här.',
    export: 'Exportera',
    exportIntro: 'Hela urvalet som fil, alla rader (inte bara den här sidan).',
    exportCsv: 'Exportera CSV',
    exportXlsx: 'Exportera Excel',
    exporting: 'Hämtar filen…',
    exported: 'Filen {name} är hämtad ({size}).',
    downloadAgain: 'Ladda ner {name} igen',
    size: '{kb} kB',
  },
  {
    title: 'Delivery history',
    intro: 'Every delivery from the warehouse: what was sent, from which lots, who recorded it and whether the municipality has confirmed it.',
    filters: 'Filter',
    allMunicipalities: 'All municipalities',
    status: 'Status',
    allStatuses: 'All',
    from: 'Left on or after',
    to: 'Left on or before',
    show: 'Show',
    clear: 'Clear the filter',
    caption: 'Deliveries ({total})',
    shown: 'Showing {first}–{last} of {total}.',
    previous: 'Previous page',
    next: 'Next page',
    sentAt: 'Left',
    contents: 'Contents',
    lots: 'Lots',
    vehicle: 'Vehicle',
    allocation: 'Under an allocation',
    yes: 'Yes',
    no: 'No',
    recordedBy: 'Recorded by',
    empty: 'No deliveries',
    emptyFiltered: 'No deliveries match the filter. Change or clear it.',
    emptyText: 'When the warehouse records a delivery it appears here.',
    export: 'Export',
    exportIntro: 'The whole selection as a file, every row (not only this page).',
    exportCsv: 'Export CSV',
    exportXlsx: 'Export Excel',
    exporting: 'Fetching the file…',
    exported: 'The file {name} is downloaded ({size}).',
    downloadAgain: 'Download {name} again',
    size: '{kb} kB',
  },
);

type Status = (typeof STATUSES)[number];

/** The filter as the address keeps it (so a filtered history can be bookmarked and shared). */
interface Selection {
  readonly municipality: string;
  readonly status: string;
  readonly from: string;
  readonly to: string;
}

const selectionOf = (params: URLSearchParams): Selection => ({
  municipality: params.get('kommun') ?? '',
  status: params.get('status') ?? '',
  from: params.get('fran') ?? '',
  to: params.get('till') ?? '',
});

/** The API's filter: its `to` is exclusive, the page's "till och med" a whole day, so the day after is sent. */
const filterOf = (county: string, selection: Selection): DeliveryFilter => ({
  county,
  ...(selection.municipality ? { municipality: selection.municipality } : {}),
  ...(STATUSES.includes(selection.status as Status) ? { status: selection.status as Status } : {}),
  ...(selection.from ? { from: selection.from } : {}),
  ...(selection.to ? { to: addDays(selection.to, 1) } : {}),
});

/**
 * The export: the same filter, the file the service makes (CSV or Excel by `Accept`), saved with the
 * user's token (see useFileDownload).
 */
const ExportButtons = ({ filter }: { filter: DeliveryFilter }) => {
  const t = useTexts(texts);
  const { language } = useLanguage();
  const { state, download: save } = useFileDownload();
  const download = (kind: 'csv' | 'xlsx') =>
    save(
      () => api.GET('/api/deliveries', { params: { query: filter }, headers: { Accept: kind === 'csv' ? 'text/csv' : XLSX }, parseAs: 'blob' }),
      kind === 'csv' ? 'leveranser.csv' : 'leveranser.xlsx',
    );

  return (
    <section aria-labelledby="export-heading">
      <h2 id="export-heading">{t('export')}</h2>
      <p className="muted">{t('exportIntro')}</p>
      <div className="button-row">
        <button type="button" onClick={() => void download('csv')} disabled={state.status === 'working'}>
          {t('exportCsv')}
        </button>
        <button type="button" onClick={() => void download('xlsx')} disabled={state.status === 'working'}>
          {t('exportXlsx')}
        </button>
      </div>
      <div aria-live="polite">
        {state.status === 'working' ? <p role="status">{t('exporting')}</p> : null}
        {state.status === 'ready' ? (
          <p role="status" className="alert alert-success">
            {t('exported', { name: state.file, size: t('size', { kb: formatNumber(Math.max(0.1, state.size / 1024), language) }) })}{' '}
            <a href={state.url} download={state.file}>
              {t('downloadAgain', { name: state.file })}
            </a>
          </p>
        ) : null}
        {state.status === 'failed' ? <ProblemMessage error={state.error} /> : null}
      </div>
    </section>
  );
};

const History = ({ county }: { county: string }) => {
  const t = useTexts(texts);
  const s = useTexts(shared);
  const { language } = useLanguage();
  const itemName = useItemName();
  const municipalities = useMunicipalities();
  const [params, setParams] = useSearchParams();
  const selection = selectionOf(params);
  const [draft, setDraft] = useState(selection);
  const page = Math.max(0, Number(params.get('sida') ?? '1') - 1) || 0;
  const filter = filterOf(county, selection);
  const deliveries = useDeliveries({ ...filter, limit: PAGE_SIZE, offset: page * PAGE_SIZE }, true);
  const fieldError = (field: string) => (deliveries.error instanceof ApiError ? deliveries.error.fieldMessage(field) : undefined);
  const filtered = Object.values(selection).some(Boolean);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams();
    if (draft.municipality) next.set('kommun', draft.municipality);
    if (draft.status) next.set('status', draft.status);
    if (draft.from) next.set('fran', draft.from);
    if (draft.to) next.set('till', draft.to);
    setParams(next);
  };
  const goTo = (n: number) => {
    const next = new URLSearchParams(params);
    next.set('sida', String(n + 1));
    setParams(next);
  };

  const countyMunicipalities = (municipalities.data?.municipalities ?? [])
    .filter((m) => m.countyCode === county)
    .sort((a, b) => a.name.localeCompare(b.name, 'sv'));

  return (
    <>
      <form onSubmit={apply} aria-labelledby="filters-heading" className="card">
        <h2 id="filters-heading">{t('filters')}</h2>
        <div className="filters">
          <SelectField
            label={s('municipality')}
            value={draft.municipality}
            onChange={(e) => setDraft({ ...draft, municipality: e.target.value })}
            error={fieldError('municipality')}
          >
            <option value="">{t('allMunicipalities')}</option>
            {countyMunicipalities.map((m) => (
              <option key={m.code} value={m.code}>
                {m.name}
              </option>
            ))}
          </SelectField>
          <SelectField label={t('status')} value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })} error={fieldError('status')}>
            <option value="">{t('allStatuses')}</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {s(`delivery.${status}`)}
              </option>
            ))}
          </SelectField>
          <TextField
            label={t('from')}
            type="date"
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
            error={fieldError('from')}
          />
          <TextField label={t('to')} type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} error={fieldError('to')} />
        </div>
        <div className="button-row">
          <button type="submit" className="primary">
            {t('show')}
          </button>
          {filtered ? (
            <button
              type="button"
              onClick={() => {
                setDraft({ municipality: '', status: '', from: '', to: '' });
                setParams(new URLSearchParams());
              }}
            >
              {t('clear')}
            </button>
          ) : null}
        </div>
      </form>

      {deliveries.isPending ? (
        <Loading />
      ) : deliveries.isError ? (
        <ProblemMessage error={deliveries.error} onRetry={() => void deliveries.refetch()} />
      ) : deliveries.data.page.total === 0 ? (
        <EmptyState title={t('empty')}>
          <p>{filtered ? t('emptyFiltered') : t('emptyText')}</p>
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <caption>{t('caption', { total: formatNumber(deliveries.data.page.total, language) })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('sentAt')}</th>
                  <th scope="col">{s('municipality')}</th>
                  <th scope="col">{t('contents')}</th>
                  <th scope="col">{t('lots')}</th>
                  <th scope="col">{t('vehicle')}</th>
                  <th scope="col">{t('allocation')}</th>
                  <th scope="col">{t('status')}</th>
                  <th scope="col">{t('recordedBy')}</th>
                </tr>
              </thead>
              <tbody>
                {deliveries.data.deliveries.map((d) => (
                  <tr key={d.deliveryId}>
                    <td className="nowrap">{formatDateTime(d.dispatchedAt, language)}</td>
                    <th scope="row">{d.municipalityName ?? d.municipality}</th>
                    <td>
                      {d.lines.map((l) => (
                        <div key={l.item}>
                          {formatNumber(l.quantity, language)} {itemName(l.item)}
                        </div>
                      ))}
                    </td>
                    <td>
                      {d.lines.flatMap((l) =>
                        l.lots.map((lot, j) => (
                          <div key={`${l.item}-${j}`} className="nowrap">
                            {lot.lot ?? s('noLot')}: {formatNumber(lot.quantity, language)}
                          </div>
                        )),
                      )}
                    </td>
                    <td>{d.vehicle ?? '–'}</td>
                    <td>{d.allocationId ? t('yes') : t('no')}</td>
                    <td>
                      <DeliveryStatusBadge status={d.status} />
                    </td>
                    <td>
                      {d.dispatch ? `${d.dispatch.recordedBy.name ?? d.dispatch.recordedBy.sub}, ${formatDateTime(d.dispatch.recordedAt, language)}` : '–'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted">
            {t('shown', {
              first: formatNumber(deliveries.data.page.offset + 1, language),
              last: formatNumber(deliveries.data.page.offset + deliveries.data.page.returned, language),
              total: formatNumber(deliveries.data.page.total, language),
            })}
          </p>
          {page > 0 || deliveries.data.page.nextOffset !== null ? (
            <div className="button-row">
              {page > 0 ? (
                <button type="button" onClick={() => goTo(page - 1)}>
                  {t('previous')}
                </button>
              ) : null}
              {deliveries.data.page.nextOffset !== null ? (
                <button type="button" onClick={() => goTo(page + 1)}>
                  {t('next')}
                </button>
              ) : null}
            </div>
          ) : null}
        </>
      )}
      {deliveries.data && deliveries.data.page.total > 0 ? <ExportButtons filter={filter} /> : null}
    </>
  );
};

/** Every delivery from the warehouse, filtered by municipality, status and period, and exported as CSV or Excel. */
export default function HistoryPage() {
  const t = useTexts(texts);
  const c = useTexts(common);
  return (
    <Page
      title={t('title')}
      intro={
        <p>
          {t('intro')} {c('liveNote', { seconds: LIVE_REFRESH_MS / 1000 })}
        </p>
      }
    >
      <WarehouseGate>{({ county }) => <History county={county} />}</WarehouseGate>
    </Page>
  );
}
