import type { Decider } from '../../shared/decider.js';
import { DomainError } from '../../shared/domain-error.js';
import type {
  AdjustmentReason,
  DeliveryDispatchedData,
  StockAdjustedData,
  StockReceivedData,
  StockReservedData,
  StockSource,
  WarehouseEvent,
} from './warehouse.events.js';

/**
 * One bucket of an item's stock: a lot with its expiry. Stock received without a lot is the item's
 * "no lot" bucket (`lot: null`). The same lot received with two expiry dates is two buckets: the
 * ledger keeps what was received rather than guess which date is right.
 */
export interface StockBucket {
  readonly lot: string | null;
  readonly expiresOn: string | null;
  readonly quantity: number;
}

/** Units still held for an approved allocation: municipality → item → units not yet dispatched. */
export type Reservation = Readonly<Record<string, Readonly<Record<string, number>>>>;

/**
 * What the warehouse holds, per item, its buckets in the order they were first received, and what
 * approved allocations still hold of it. Kept to quantities only, so that the state of a long
 * stream stays small enough to snapshot.
 */
export interface WarehouseState {
  readonly stock: Readonly<Record<string, readonly StockBucket[]>>;
  /** Per allocation id; an allocation fully dispatched stays (at zero) so that it is still known. */
  readonly reservations: Readonly<Record<string, Reservation>>;
  /**
   * Every receipt the warehouse has taken in, by id, so that a receipt arriving again (a reaction
   * run twice) is known as already recorded. One id per receipt: small beside the stream itself.
   */
  readonly receipts: ReadonlySet<string>;
}

/** Whether the warehouse has taken in this receipt already. */
export const hasReceipt = (state: WarehouseState, receiptId: string): boolean => state.receipts.has(receiptId);

/** Whether an allocation has set stock aside here already (a plan of nothing never does). */
export const hasReservation = (state: WarehouseState, allocationId: string): boolean => state.reservations[allocationId] !== undefined;

export interface ReceiveStockLine {
  readonly item: string;
  readonly quantity: number;
  readonly lot?: string;
  readonly expiresOn?: string;
}

/**
 * An adjustment line as asked: `quantity` removed (damaged, expired), `counted` (counted), or a
 * signed `change` (other). Without a lot it concerns the whole item; with one, that lot.
 */
export interface AdjustStockLine {
  readonly item: string;
  readonly lot?: string;
  readonly quantity?: number;
  readonly counted?: number;
  readonly change?: number;
}

export interface DispatchLine {
  readonly item: string;
  readonly quantity: number;
  readonly lot?: string;
}

export type WarehouseCommand =
  | {
      readonly type: 'ReceiveStock';
      readonly receiptId: string;
      readonly warehouseId: string;
      readonly source: StockSource;
      readonly from: string;
      readonly nationalRequestId?: string;
      readonly lines: readonly ReceiveStockLine[];
    }
  | {
      readonly type: 'AdjustStock';
      readonly adjustmentId: string;
      readonly warehouseId: string;
      readonly reason: AdjustmentReason;
      readonly note?: string;
      readonly lines: readonly AdjustStockLine[];
    }
  | {
      readonly type: 'DispatchDelivery';
      readonly deliveryId: string;
      readonly warehouseId: string;
      readonly municipality: string;
      readonly county: string;
      readonly allocationId?: string;
      readonly vehicle?: string;
      readonly dispatchedAt: string;
      readonly lines: readonly DispatchLine[];
    };

const NO_EXPIRY = '9999-12-31';

/**
 * The order stock leaves in: earliest expiry first; among equal expiry dates lots before the no-lot
 * bucket; lots without an expiry after every dated one, then the no-lot bucket; ties in the order
 * received (the sort is stable).
 */
export const firstExpiryFirst = (buckets: readonly StockBucket[]): StockBucket[] =>
  [...buckets].sort((a, b) => (a.expiresOn ?? NO_EXPIRY).localeCompare(b.expiresOn ?? NO_EXPIRY) || Number(a.lot === null) - Number(b.lot === null));

const sameBucket = (a: Pick<StockBucket, 'lot' | 'expiresOn'>, b: Pick<StockBucket, 'lot' | 'expiresOn'>): boolean =>
  a.lot === b.lot && a.expiresOn === b.expiresOn;

/** The buckets a line may draw on: the named lot's, or the whole item's. */
const bucketsInScope = (state: WarehouseState, item: string, lot: string | undefined): StockBucket[] =>
  firstExpiryFirst((state.stock[item] ?? []).filter((b) => lot === undefined || b.lot === lot));

const total = (buckets: readonly StockBucket[]): number => buckets.reduce((sum, b) => sum + Math.max(0, b.quantity), 0);

/** Stock on hand of an item, or of one of its lots. */
export const onHand = (state: WarehouseState, item: string, lot?: string): number => total(bucketsInScope(state, item, lot));

/** Units of an item that approved allocations still hold. */
export const reserved = (state: WarehouseState, item: string): number =>
  Object.values(state.reservations).reduce((sum, reservation) => sum + Object.values(reservation).reduce((s, items) => s + (items[item] ?? 0), 0), 0);

/** What may still be dispatched without an allocation, or allocated anew: on hand less what allocations hold. */
export const unreserved = (state: WarehouseState, item: string): number => Math.max(0, onHand(state, item) - reserved(state, item));

const changeReservation = (state: WarehouseState, allocationId: string, municipality: string, item: string, change: number): WarehouseState => {
  const reservation = state.reservations[allocationId] ?? {};
  const items = reservation[municipality] ?? {};
  const units = Math.max(0, (items[item] ?? 0) + change);
  return {
    ...state,
    reservations: { ...state.reservations, [allocationId]: { ...reservation, [municipality]: { ...items, [item]: units } } },
  };
};

const reserve = (state: WarehouseState, data: StockReservedData): WarehouseState =>
  data.lines.reduce((s, l) => changeReservation(s, data.allocationId, l.municipality, l.item, l.quantity), state);

/**
 * A dispatch naming an allocation draws its reservation down. One naming an allocation this
 * warehouse never reserved for (recorded before reservations existed, or by another path) changes
 * no reservation: a fact is folded, never refused.
 */
const drawDown = (state: WarehouseState, data: DeliveryDispatchedData): WarehouseState => {
  const { allocationId } = data;
  if (allocationId === undefined || state.reservations[allocationId]?.[data.municipality] === undefined) return state;
  return data.lines.reduce((s, l) => changeReservation(s, allocationId, data.municipality, l.item, -l.quantity), state);
};

/** Adds a signed quantity to one bucket; a bucket that reaches zero is dropped. Never throws. */
const addToBucket = (state: WarehouseState, item: string, bucket: Pick<StockBucket, 'lot' | 'expiresOn'>, change: number): WarehouseState => {
  const buckets = state.stock[item] ?? [];
  const index = buckets.findIndex((b) => sameBucket(b, bucket));
  const next =
    index < 0
      ? [...buckets, { lot: bucket.lot, expiresOn: bucket.expiresOn, quantity: change }]
      : buckets.map((b, i) => (i === index ? { ...b, quantity: b.quantity + change } : b));
  const { [item]: _old, ...others } = state.stock;
  const kept = next.filter((b) => b.quantity !== 0);
  return { ...state, stock: kept.length > 0 ? { ...others, [item]: kept } : others };
};

interface Taken {
  readonly lot: string | null;
  readonly expiresOn: string | null;
  readonly quantity: number;
}

const insufficientStock = (field: string, item: string, lot: string | undefined, requested: number, available: number) =>
  new DomainError(
    'WAREHOUSE.INSUFFICIENT_STOCK',
    `${requested} of ${item}${lot === undefined ? '' : ` lot ${lot}`} requested, ${available} available`,
    'rule',
    { field, item, ...(lot === undefined ? {} : { lot }), requested, available },
  );

/** Takes `quantity` earliest expiry first from the line's scope, or refuses when there is not enough. */
const take = (state: WarehouseState, item: string, lot: string | undefined, quantity: number, field: string): Taken[] => {
  const buckets = bucketsInScope(state, item, lot).filter((b) => b.quantity > 0);
  const available = total(buckets);
  if (quantity > available) throw insufficientStock(field, item, lot, quantity, available);
  const taken: Taken[] = [];
  let left = quantity;
  for (const bucket of buckets) {
    if (left === 0) break;
    const quantityTaken = Math.min(left, bucket.quantity);
    taken.push({ lot: bucket.lot, expiresOn: bucket.expiresOn, quantity: quantityTaken });
    left -= quantityTaken;
  }
  return taken;
};

/**
 * Where stock found or added lands: a named lot's earliest bucket (a lot not held yet: a new bucket
 * without expiry); without a lot, the item's no-lot bucket.
 */
const bucketForAddition = (state: WarehouseState, item: string, lot: string | undefined): Pick<StockBucket, 'lot' | 'expiresOn'> => {
  if (lot === undefined) return { lot: null, expiresOn: null };
  return bucketsInScope(state, item, lot)[0] ?? { lot, expiresOn: null };
};

/** The field an adjustment line gives for each reason. */
const ADJUSTMENT_FIELD = { damaged: 'quantity', expired: 'quantity', counted: 'counted', other: 'change' } as const satisfies Record<
  AdjustmentReason,
  keyof AdjustStockLine
>;

const invalid = (code: string, message: string, field: string) => new DomainError(code, message, 'invalid', { field });

/** The signed change an adjustment line asks for, checking it carries exactly the field its reason needs. */
const requestedChange = (reason: AdjustmentReason, line: AdjustStockLine, i: number, state: WarehouseState): number => {
  const field = ADJUSTMENT_FIELD[reason];
  for (const other of ['quantity', 'counted', 'change'] as const) {
    if (other !== field && line[other] !== undefined) {
      throw invalid('WAREHOUSE.ADJUSTMENT_LINE_INVALID', `a ${reason} adjustment line gives ${field}, not ${other}`, `lines[${i}].${other}`);
    }
  }
  const value = line[field];
  if (value === undefined) {
    throw invalid('WAREHOUSE.ADJUSTMENT_LINE_INVALID', `a ${reason} adjustment line must give ${field}`, `lines[${i}].${field}`);
  }
  switch (reason) {
    case 'damaged':
    case 'expired':
      if (value < 1) throw invalid('WAREHOUSE.ADJUSTMENT_LINE_INVALID', 'quantity removed must be at least 1', `lines[${i}].quantity`);
      return -value;
    case 'counted':
      if (value < 0) throw invalid('WAREHOUSE.ADJUSTMENT_LINE_INVALID', 'a count cannot be negative', `lines[${i}].counted`);
      return value - onHand(state, line.item, line.lot);
    case 'other':
      if (value === 0) throw invalid('WAREHOUSE.ADJUSTMENT_LINE_INVALID', 'change must not be zero', `lines[${i}].change`);
      return value;
    default: {
      const unexpected: never = reason;
      throw new Error(`unknown adjustment reason ${String(unexpected)}`);
    }
  }
};

/** A count names each item, or each of its lots, once: two counts of the same goods would contradict each other. */
const assertCountsDoNotOverlap = (lines: readonly AdjustStockLine[]): void => {
  lines.forEach((line, i) => {
    const clash = lines.findIndex(
      (other, j) => j < i && other.item === line.item && (other.lot === undefined || line.lot === undefined || other.lot === line.lot),
    );
    if (clash >= 0) {
      throw invalid(
        'WAREHOUSE.OVERLAPPING_COUNT',
        `lines[${clash}] and lines[${i}] both count ${line.item}${line.lot ? ` lot ${line.lot}` : ''}`,
        `lines[${i}].${line.lot === undefined ? 'item' : 'lot'}`,
      );
    }
  });
};

const receive = (command: Extract<WarehouseCommand, { type: 'ReceiveStock' }>): WarehouseEvent[] => {
  if (command.source === 'purchase') {
    throw invalid(
      'WAREHOUSE.PURCHASE_RECEIPT_NOT_HERE',
      'goods from a purchase are received against the purchase: POST /api/purchases/{id}/receipts',
      'source',
    );
  }
  if (command.nationalRequestId !== undefined && command.source !== 'national-allocation') {
    throw invalid('WAREHOUSE.NATIONAL_REQUEST_NOT_EXPECTED', 'only a national allocation answers a national request', 'nationalRequestId');
  }
  const data: StockReceivedData = {
    receiptId: command.receiptId,
    warehouseId: command.warehouseId,
    source: command.source,
    from: command.from,
    ...(command.nationalRequestId === undefined ? {} : { nationalRequestId: command.nationalRequestId }),
    lines: command.lines.map((l) => ({
      item: l.item,
      quantity: l.quantity,
      ...(l.lot === undefined ? {} : { lot: l.lot }),
      ...(l.expiresOn === undefined ? {} : { expiresOn: l.expiresOn }),
    })),
  };
  return [{ type: 'StockReceived', data }];
};

const adjust = (command: Extract<WarehouseCommand, { type: 'AdjustStock' }>, state: WarehouseState): WarehouseEvent[] => {
  if (command.reason === 'other' && (command.note === undefined || command.note.trim() === '')) {
    throw invalid('WAREHOUSE.NOTE_REQUIRED', 'an adjustment for another reason must say why in a note', 'note');
  }
  if (command.reason === 'counted') assertCountsDoNotOverlap(command.lines);
  // Lines apply one after the other, so two removals from the same lot cannot both spend its stock.
  let working = state;
  const lines = command.lines.map((line, i): StockAdjustedData['lines'][number] => {
    const change = requestedChange(command.reason, line, i, working);
    const field = `lines[${i}].${ADJUSTMENT_FIELD[command.reason]}`;
    const lots =
      change < 0
        ? take(working, line.item, line.lot, -change, field).map((t) => ({ lot: t.lot, expiresOn: t.expiresOn, change: -t.quantity }))
        : change > 0
          ? [{ ...bucketForAddition(working, line.item, line.lot), change }]
          : [];
    for (const bucket of lots) working = addToBucket(working, line.item, bucket, bucket.change);
    return {
      item: line.item,
      ...(line.lot === undefined ? {} : { lot: line.lot }),
      change,
      ...(command.reason === 'counted' ? { counted: line.counted! } : {}),
      lots,
    };
  });
  const data: StockAdjustedData = {
    adjustmentId: command.adjustmentId,
    warehouseId: command.warehouseId,
    reason: command.reason,
    ...(command.note === undefined ? {} : { note: command.note }),
    lines,
  };
  return [{ type: 'StockAdjusted', data }];
};

const rule = (code: string, message: string, details: Record<string, unknown>) => new DomainError(code, message, 'rule', details);

/**
 * What a dispatch may take per line, before lots: against an allocation, what its plan still holds
 * for the municipality; without one, only stock no allocation holds. Earlier lines of the same item
 * count against later ones.
 */
const assertDispatchAllowed = (command: Extract<WarehouseCommand, { type: 'DispatchDelivery' }>, state: WarehouseState): void => {
  const taken = new Map<string, number>();
  const takeFrom = (item: string, quantity: number): number => {
    const before = taken.get(item) ?? 0;
    taken.set(item, before + quantity);
    return before;
  };
  const { allocationId, municipality } = command;
  if (allocationId !== undefined) {
    const reservation = state.reservations[allocationId];
    if (reservation === undefined) {
      throw rule('WAREHOUSE.UNKNOWN_ALLOCATION', `no approved allocation ${allocationId} holds stock in warehouse ${command.warehouseId}`, {
        field: 'allocationId',
        allocationId,
      });
    }
    const plan = reservation[municipality];
    if (plan === undefined) {
      throw rule('WAREHOUSE.NOT_IN_PLAN', `allocation ${allocationId} plans no delivery to municipality ${municipality}`, {
        field: 'municipality',
        allocationId,
        municipality,
      });
    }
    command.lines.forEach((line, i) => {
      const remaining = (plan[line.item] ?? 0) - takeFrom(line.item, line.quantity);
      if (line.quantity > remaining) {
        throw rule('WAREHOUSE.BEYOND_PLAN', `${line.quantity} of ${line.item} asked for ${municipality}; the allocation holds ${remaining} more for it`, {
          field: `lines[${i}].quantity`,
          allocationId,
          municipality,
          item: line.item,
          requested: line.quantity,
          remaining,
        });
      }
    });
    return;
  }
  command.lines.forEach((line, i) => {
    const free = unreserved(state, line.item) - takeFrom(line.item, line.quantity);
    if (line.quantity > free) {
      const held = reserved(state, line.item);
      throw new DomainError(
        'WAREHOUSE.INSUFFICIENT_STOCK',
        `${line.quantity} of ${line.item} requested, ${free} available` +
          (held > 0 ? `: ${held} of the ${onHand(state, line.item)} on hand are held for approved allocations` : ''),
        'rule',
        { field: `lines[${i}].quantity`, item: line.item, requested: line.quantity, available: free, reserved: held },
      );
    }
  });
};

const dispatch = (command: Extract<WarehouseCommand, { type: 'DispatchDelivery' }>, state: WarehouseState): WarehouseEvent[] => {
  assertDispatchAllowed(command, state);
  let working = state;
  const lines = command.lines.map((line, i) => {
    const lots = take(working, line.item, line.lot, line.quantity, `lines[${i}].quantity`);
    for (const t of lots) working = addToBucket(working, line.item, t, -t.quantity);
    return { item: line.item, quantity: line.quantity, lots };
  });
  const data: DeliveryDispatchedData = {
    deliveryId: command.deliveryId,
    warehouseId: command.warehouseId,
    municipality: command.municipality,
    county: command.county,
    ...(command.allocationId === undefined ? {} : { allocationId: command.allocationId }),
    ...(command.vehicle === undefined ? {} : { vehicle: command.vehicle }),
    dispatchedAt: command.dispatchedAt,
    lines,
  };
  return [{ type: 'DeliveryDispatched', data }];
};

/**
 * The warehouse's stock, `warehouse-{id}`. Guards that nothing leaves that is not there: on hand
 * never goes below zero, per item and per lot; and that reservations are honoured: a dispatch
 * against an allocation takes no more than its plan holds for the municipality, and one without an
 * allocation only what no allocation holds. Stock from purchases enters through a reaction to
 * `PurchaseReceived` (it only ever adds), reservations through a reaction to `AllocationApproved`,
 * everything else through `decide`. Adjustments record what physically happened and are not held
 * back by reservations.
 */
export const warehouseDecider: Decider<WarehouseCommand, WarehouseState, WarehouseEvent> = {
  initialState: () => ({ stock: {}, reservations: {}, receipts: new Set() }),

  evolve(state, event) {
    switch (event.type) {
      case 'StockReceived':
        return event.data.lines.reduce<WarehouseState>((s, l) => addToBucket(s, l.item, { lot: l.lot ?? null, expiresOn: l.expiresOn ?? null }, l.quantity), {
          ...state,
          receipts: new Set(state.receipts).add(event.data.receiptId),
        });
      case 'StockAdjusted':
        return event.data.lines.reduce((s, l) => l.lots.reduce((s2, b) => addToBucket(s2, l.item, b, b.change), s), state);
      case 'DeliveryDispatched':
        return drawDown(
          event.data.lines.reduce((s, l) => l.lots.reduce((s2, b) => addToBucket(s2, l.item, b, -b.quantity), s), state),
          event.data,
        );
      case 'StockReserved':
        return reserve(state, event.data);
      default: {
        const unexpected: never = event;
        throw new Error(`unknown event ${JSON.stringify(unexpected)}`);
      }
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'ReceiveStock':
        return receive(command);
      case 'AdjustStock':
        return adjust(command, state);
      case 'DispatchDelivery':
        return dispatch(command, state);
      default: {
        const unexpected: never = command;
        throw new Error(`unknown command ${JSON.stringify(unexpected)}`);
      }
    }
  },
};
