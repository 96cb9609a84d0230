import createClient from 'openapi-fetch';
import type { components, paths } from '../../contract/api.js';

/**
 * A client generated from the committed contract (`contract/api.d.ts`), playing a realistic week
 * through `openapi-fetch`. It reads the answers' fields by their documented names and types, so it
 * stops compiling when a response shape changes without the contract being regenerated — and the
 * contract test stops passing when the contract is stale.
 */

type Problem = components['schemas']['ProblemDetails'];

export interface WeekTokens {
  readonly municipality: string; // Vallentuna (0115)
  readonly region: string;
  readonly warehouse: string;
  readonly county: string;
}

export interface WeekPlayed {
  readonly reportId: string;
  readonly period: string;
  readonly purchaseId: string;
  readonly deliveryId: string;
  readonly picked: readonly { readonly item: string; readonly lots: readonly string[] }[];
  readonly warehouseFfp2: { readonly onHand: number; readonly available: number };
  readonly delivery: { readonly status: string; readonly received: number | null };
  readonly refusal: { readonly status: number; readonly code: string | undefined; readonly fields: readonly string[] };
  readonly itemNames: readonly string[];
}

/** Throws with the problem's code and detail when the call did not succeed. */
const ok = <T>(result: { data?: T; error?: unknown; response: Response }): T => {
  if (result.data === undefined) {
    const problem = result.error as Problem | undefined;
    throw new Error(`${result.response.status} ${problem?.code ?? ''}: ${problem?.detail ?? ''}`);
  }
  return result.data;
};

export const playWeek = async (baseUrl: string, tokens: WeekTokens): Promise<WeekPlayed> => {
  const api = createClient<paths>({ baseUrl });
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  // Monday: the catalogue, then Vallentuna's weekly report.
  const items = ok(await api.GET('/api/items', { headers: as(tokens.municipality) }));
  const report = ok(
    await api.POST('/api/municipalities/{code}/reports', {
      params: { path: { code: '0115' }, header: { 'Idempotency-Key': 'week-report-0115' } },
      headers: as(tokens.municipality),
      body: {
        reportedAt: new Date(Date.now() - 2 * 3_600_000).toISOString(),
        infections: 4,
        lines: [{ item: 'FFP2', onHand: 120, usedSinceLastReport: 300, requested: 600 }],
      },
    }),
  );

  // Tuesday: the region orders, the goods arrive at the central warehouse.
  const purchase = ok(
    await api.POST('/api/purchases', {
      headers: as(tokens.region),
      body: { supplier: 'Medisupply Nordic AB', warehouseId: '01-central', lines: [{ item: 'FFP2', quantity: 2000 }] },
    }),
  );
  ok(
    await api.POST('/api/purchases/{id}/receipts', {
      params: { path: { id: purchase.purchaseId } },
      headers: as(tokens.warehouse),
      body: { lines: [{ item: 'FFP2', quantity: 2000, lot: 'W-2026-49', expiresOn: '2029-06-30' }] },
    }),
  );

  // Wednesday: a delivery leaves for Vallentuna; Thursday it is confirmed, one box short.
  const dispatched = ok(
    await api.POST('/api/warehouses/{id}/dispatches', {
      params: { path: { id: '01-central' }, header: { 'Idempotency-Key': 'week-dispatch-0115' } },
      headers: as(tokens.warehouse),
      body: { municipality: '0115', lines: [{ item: 'FFP2', quantity: 600 }] },
    }),
  );
  const confirmed = ok(
    await api.POST('/api/deliveries/{id}/receipt', {
      params: { path: { id: dispatched.deliveryId } },
      headers: as(tokens.municipality),
      body: { lines: [{ item: 'FFP2', received: 580, reason: 'En kartong saknades' }] },
    }),
  );

  // Friday: what the warehouse holds, and the delivery as recorded.
  const stock = ok(
    await api.GET('/api/warehouses/{id}/stock', {
      params: { path: { id: '01-central' }, query: { waitFor: dispatched.position } },
      headers: as(tokens.warehouse),
    }),
  );
  const ffp2 = stock.items.find((i) => i.item === 'FFP2');
  const delivery = ok(
    await api.GET('/api/deliveries/{id}', {
      params: { path: { id: dispatched.deliveryId }, query: { waitFor: confirmed.position } },
      headers: as(tokens.warehouse),
    }),
  );

  // A dispatch beyond what is there is refused, and the refusal is typed as problem details.
  const refused = await api.POST('/api/warehouses/{id}/dispatches', {
    params: { path: { id: '01-central' } },
    headers: as(tokens.warehouse),
    body: { municipality: '0115', lines: [{ item: 'FFP2', quantity: 1_000_000 }] },
  });
  const problem: Problem | undefined = refused.error;

  return {
    reportId: report.reportId,
    period: report.period,
    purchaseId: purchase.purchaseId,
    deliveryId: dispatched.deliveryId,
    picked: dispatched.lines.map((l) => ({ item: l.item, lots: l.lots.map((lot) => lot.lot ?? '(utan parti)') })),
    warehouseFfp2: { onHand: ffp2?.onHand ?? 0, available: ffp2?.available ?? 0 },
    delivery: { status: delivery.status, received: delivery.lines.find((l) => l.item === 'FFP2')?.accepted ?? null },
    refusal: { status: refused.response.status, code: problem?.code, fields: (problem?.errors ?? []).map((e) => e.field) },
    itemNames: items.items.map((i) => i.nameSv),
  };
};
