import type { Decider } from '../../shared/decider.js';
import { DomainError } from '../../shared/domain-error.js';
import type { PurchaseEvent, PurchaseOrderedData, PurchaseReceivedData, ReceivedLine } from './purchase.events.js';

export interface PurchaseOrder {
  readonly purchaseId: string;
  readonly supplier: string;
  readonly warehouseId: string;
  readonly county: string;
  readonly lines: readonly { readonly item: string; readonly quantity: number }[];
  readonly expectedAt?: string;
}

/** Units received so far, per item of the order. */
type Received = Readonly<Record<string, number>>;

/**
 * `open` covers a purchase from its order until it is cancelled, however much has arrived: a
 * fully received order can still take a flagged over-delivery. Whether it is fully received is
 * derived (`isFullyReceived`), not a phase of its own.
 */
export type PurchaseState =
  | { readonly status: 'none' }
  | { readonly status: 'open'; readonly order: PurchaseOrder; readonly received: Received }
  | { readonly status: 'cancelled'; readonly order: PurchaseOrder; readonly received: Received; readonly reason: string };

export type PurchaseCommand =
  | { readonly type: 'OrderPurchase'; readonly order: PurchaseOrder }
  | {
      readonly type: 'ReceivePurchase';
      readonly receiptId: string;
      readonly lines: readonly ReceivedLine[];
      /** The receiver saw more than was ordered and accepts it. */
      readonly acceptOverDelivery: boolean;
    }
  | { readonly type: 'CancelPurchase'; readonly reason: string };

export const isFullyReceived = (order: PurchaseOrder, received: Received): boolean => order.lines.every((l) => (received[l.item] ?? 0) >= l.quantity);

const notFound = () => new DomainError('PURCHASE.NOT_FOUND', 'no such purchase', 'not-found');

const order = (command: Extract<PurchaseCommand, { type: 'OrderPurchase' }>, state: PurchaseState): PurchaseEvent[] => {
  if (state.status !== 'none') throw new DomainError('PURCHASE.ALREADY_ORDERED', `purchase ${command.order.purchaseId} exists already`);
  const lines = command.order.lines;
  lines.forEach((line, i) => {
    const first = lines.findIndex((l) => l.item === line.item);
    if (first < i) {
      throw new DomainError('PURCHASE.DUPLICATE_LINE', `${line.item} is ordered on lines[${first}] already`, 'invalid', {
        field: `lines[${i}].item`,
      });
    }
  });
  const data: PurchaseOrderedData = {
    purchaseId: command.order.purchaseId,
    supplier: command.order.supplier,
    warehouseId: command.order.warehouseId,
    county: command.order.county,
    lines: lines.map((l) => ({ item: l.item, quantity: l.quantity })),
    ...(command.order.expectedAt === undefined ? {} : { expectedAt: command.order.expectedAt }),
  };
  return [{ type: 'PurchaseOrdered', data }];
};

const receive = (command: Extract<PurchaseCommand, { type: 'ReceivePurchase' }>, state: PurchaseState): PurchaseEvent[] => {
  if (state.status === 'none') throw notFound();
  if (state.status === 'cancelled') {
    throw new DomainError('PURCHASE.CANCELLED', `purchase ${state.order.purchaseId} was cancelled: nothing can be received against it`);
  }
  const { order: purchase, received } = state;
  // A receipt may carry one item on several lines (one per lot): the rule is on the item's total.
  const receiving: Record<string, number> = {};
  let overDelivery = false;
  command.lines.forEach((line, i) => {
    const ordered = purchase.lines.find((l) => l.item === line.item)?.quantity;
    if (ordered === undefined) {
      throw new DomainError('PURCHASE.ITEM_NOT_ORDERED', `${line.item} is not on purchase ${purchase.purchaseId}`, 'rule', {
        field: `lines[${i}].item`,
        item: line.item,
      });
    }
    receiving[line.item] = (receiving[line.item] ?? 0) + line.quantity;
    const alreadyReceived = received[line.item] ?? 0;
    if (alreadyReceived + receiving[line.item]! <= ordered) return;
    if (!command.acceptOverDelivery) {
      throw new DomainError(
        'PURCHASE.OVER_DELIVERY',
        `${line.item}: ${ordered} ordered, ${alreadyReceived} received already, ${receiving[line.item]} more is over the order; ` +
          'send acceptOverDelivery: true to accept it',
        'rule',
        { field: `lines[${i}].quantity`, item: line.item, ordered, alreadyReceived, receiving: receiving[line.item] },
      );
    }
    overDelivery = true;
  });
  const data: PurchaseReceivedData = {
    purchaseId: purchase.purchaseId,
    receiptId: command.receiptId,
    warehouseId: purchase.warehouseId,
    county: purchase.county,
    supplier: purchase.supplier,
    lines: command.lines.map((l) => ({
      item: l.item,
      quantity: l.quantity,
      ...(l.lot === undefined ? {} : { lot: l.lot }),
      ...(l.expiresOn === undefined ? {} : { expiresOn: l.expiresOn }),
    })),
    overDelivery,
  };
  return [{ type: 'PurchaseReceived', data }];
};

const cancel = (command: Extract<PurchaseCommand, { type: 'CancelPurchase' }>, state: PurchaseState): PurchaseEvent[] => {
  if (state.status === 'none') throw notFound();
  const { purchaseId } = state.order;
  if (state.status === 'cancelled') throw new DomainError('PURCHASE.ALREADY_CANCELLED', `purchase ${purchaseId} is cancelled already`);
  if (isFullyReceived(state.order, state.received)) {
    throw new DomainError('PURCHASE.FULLY_RECEIVED', `purchase ${purchaseId} has been received in full: nothing is left to cancel`);
  }
  return [{ type: 'PurchaseCancelled', data: { purchaseId, reason: command.reason } }];
};

/**
 * A purchase order of the region, `purchase-{id}`: what was ordered, what has arrived against it,
 * and whether the rest was cancelled. Guards received ≤ ordered per item unless an over-delivery
 * is flagged.
 */
export const purchaseDecider: Decider<PurchaseCommand, PurchaseState, PurchaseEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    switch (event.type) {
      case 'PurchaseOrdered': {
        const { purchaseId, supplier, warehouseId, county, lines, expectedAt } = event.data;
        return {
          status: 'open',
          order: { purchaseId, supplier, warehouseId, county, lines, ...(expectedAt === undefined ? {} : { expectedAt }) },
          received: {},
        };
      }
      case 'PurchaseReceived': {
        if (state.status === 'none') return state;
        const received = { ...state.received };
        for (const line of event.data.lines) received[line.item] = (received[line.item] ?? 0) + line.quantity;
        return { ...state, received };
      }
      case 'PurchaseCancelled':
        if (state.status === 'none') return state;
        return { status: 'cancelled', order: state.order, received: state.received, reason: event.data.reason };
      default: {
        const unexpected: never = event;
        throw new Error(`unknown event ${JSON.stringify(unexpected)}`);
      }
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'OrderPurchase':
        return order(command, state);
      case 'ReceivePurchase':
        return receive(command, state);
      case 'CancelPurchase':
        return cancel(command, state);
      default: {
        const unexpected: never = command;
        throw new Error(`unknown command ${JSON.stringify(unexpected)}`);
      }
    }
  },
};
