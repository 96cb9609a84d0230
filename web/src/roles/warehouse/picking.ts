import type { Schemas } from '../../api/client.js';

/**
 * The picking list a dispatch will get, shown while the form is filled in. The service takes each
 * line earliest expiry first (`firstExpiryFirst` in the warehouse's decider), and the stock read
 * lists each item's lots in that very order ("as stock leaves"), so the preview walks the lots as
 * listed and never sorts them itself. Lines of the same item draw on what earlier lines left, as
 * the service does. Whether the dispatch is allowed at all (reservations, the plan) is the
 * service's decision, not repeated here; the recorded answer carries the real picking list.
 */
export interface Pick {
  readonly lot: string | null;
  readonly expiresOn: string | null;
  readonly quantity: number;
}

export interface PickedLine {
  readonly item: string;
  readonly quantity: number;
  readonly picks: readonly Pick[];
  /** Units the lots on hand cannot cover. */
  readonly missing: number;
}

export const pickingList = (
  stock: readonly Schemas['WarehouseStockItem'][],
  lines: readonly { readonly item: string; readonly quantity: number }[],
): PickedLine[] => {
  const left = new Map<string, number[]>();
  return lines.map(({ item, quantity }) => {
    const lots = stock.find((s) => s.item === item)?.lots ?? [];
    const remaining = left.get(item) ?? lots.map((l) => l.onHand);
    left.set(item, remaining);
    const picks: Pick[] = [];
    let wanted = Number.isFinite(quantity) && quantity > 0 ? Math.floor(quantity) : 0;
    lots.forEach((lot, i) => {
      const take = Math.min(wanted, remaining[i]!);
      if (take <= 0) return;
      picks.push({ lot: lot.lot, expiresOn: lot.expiresOn, quantity: take });
      remaining[i] = remaining[i]! - take;
      wanted -= take;
    });
    return { item, quantity, picks, missing: wanted };
  });
};
