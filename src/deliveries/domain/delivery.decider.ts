import type { Decider } from '../../shared/decider.js';
import { DomainError } from '../../shared/domain-error.js';
import type { DeliveryEvent, DeliveryOpenedData, DeliveryReceivedData } from './delivery.events.js';

/** How far into the future a business time may lie: clocks drift, goods never arrive tomorrow. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

export interface ReceivedLine {
  readonly item: string;
  /** Arrived and accepted into the municipality's stock. */
  readonly received: number;
  readonly reason?: string;
}

export type DeliveryCommand = {
  readonly type: 'ReceiveDelivery';
  readonly deliveryId: string;
  readonly receivedAt: Date;
  readonly lines: readonly ReceivedLine[];
  readonly now: Date;
};

export type DeliveryState =
  | { readonly status: 'unknown' }
  | { readonly status: 'in-transit'; readonly delivery: DeliveryOpenedData }
  | { readonly status: 'received'; readonly delivery: DeliveryOpenedData; readonly receipt: DeliveryReceivedData };

const invalid = (code: string, message: string, field: string) => new DomainError(code, message, 'invalid', { field });

/**
 * What was dispatched, per item. A dispatch names each item once; should one ever name an item
 * twice, the municipality still answers per item, for the total.
 */
const dispatchedPerItem = (delivery: DeliveryOpenedData): Map<string, number> => {
  const totals = new Map<string, number>();
  for (const line of delivery.lines) totals.set(line.item, (totals.get(line.item) ?? 0) + line.quantity);
  return totals;
};

const checkLines = (delivery: DeliveryOpenedData, lines: readonly ReceivedLine[]): DeliveryReceivedData['lines'] => {
  const dispatched = dispatchedPerItem(delivery);
  const answered = new Set<string>();
  const received = lines.map((line, i) => {
    const quantity = dispatched.get(line.item);
    if (quantity === undefined) {
      throw invalid('DELIVERY.ITEM_NOT_DISPATCHED', `${line.item} is not in delivery ${delivery.deliveryId}`, `lines[${i}].item`);
    }
    if (answered.has(line.item)) {
      throw invalid('DELIVERY.ITEM_ANSWERED_TWICE', `${line.item} is answered twice`, `lines[${i}].item`);
    }
    answered.add(line.item);
    if (line.received > quantity) {
      throw invalid(
        'DELIVERY.RECEIVED_MORE_THAN_DISPATCHED',
        `${line.received} ${line.item} received but ${quantity} dispatched; record extra goods as a separate receipt`,
        `lines[${i}].received`,
      );
    }
    if (line.received !== quantity && !line.reason) {
      throw invalid('DELIVERY.REASON_REQUIRED', `${quantity} ${line.item} dispatched and ${line.received} accepted: say why they differ`, `lines[${i}].reason`);
    }
    return {
      item: line.item,
      dispatched: quantity,
      accepted: line.received,
      rejected: quantity - line.received,
      ...(line.reason ? { reason: line.reason } : {}),
    };
  });
  const missing = [...dispatched.keys()].filter((item) => !answered.has(item));
  if (missing.length > 0) {
    throw invalid('DELIVERY.LINE_MISSING', `every dispatched item needs an answer; missing: ${missing.join(', ')}`, 'lines');
  }
  return received;
};

/**
 * One delivery to a municipality (`delivery-{id}`), opened when the warehouse dispatches it. It can
 * be received only once, answering every dispatched item: what was accepted into stock, and why
 * whatever was not.
 */
export const deliveryDecider: Decider<DeliveryCommand, DeliveryState, DeliveryEvent> = {
  initialState: () => ({ status: 'unknown' }),

  evolve(state, event) {
    switch (event.type) {
      case 'DeliveryOpened':
        return { status: 'in-transit', delivery: event.data };
      case 'DeliveryReceived':
        // A receipt without an opening cannot be decided here; keep what is known rather than fail a replay.
        return state.status === 'unknown' ? state : { status: 'received', delivery: state.delivery, receipt: event.data };
      default: {
        const unexpected: never = event;
        throw new Error(`unexpected event ${JSON.stringify(unexpected)}`);
      }
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'ReceiveDelivery': {
        switch (state.status) {
          case 'unknown':
            throw new DomainError('DELIVERY.NOT_FOUND', `no dispatched delivery ${command.deliveryId}`, 'not-found');
          case 'received':
            throw new DomainError(
              'DELIVERY.ALREADY_RECEIVED',
              `delivery ${command.deliveryId} was received at ${state.receipt.receivedAt}; a delivery is received once`,
              'rule',
              { receivedAt: state.receipt.receivedAt },
            );
          case 'in-transit':
            break;
          default: {
            const unexpected: never = state;
            throw new Error(`unexpected state ${JSON.stringify(unexpected)}`);
          }
        }
        const { delivery } = state;
        if (command.receivedAt.getTime() > command.now.getTime() + FUTURE_TOLERANCE_MS) {
          throw invalid('DELIVERY.RECEIVED_IN_FUTURE', 'receivedAt lies in the future', 'receivedAt');
        }
        if (command.receivedAt.getTime() < Date.parse(delivery.dispatchedAt)) {
          throw invalid('DELIVERY.RECEIVED_BEFORE_DISPATCH', `receivedAt is before the delivery was dispatched (${delivery.dispatchedAt})`, 'receivedAt');
        }
        const lines = checkLines(delivery, command.lines);
        return [
          {
            type: 'DeliveryReceived',
            data: {
              deliveryId: delivery.deliveryId,
              municipality: delivery.municipality,
              county: delivery.county,
              receivedAt: command.receivedAt.toISOString(),
              lines,
              discrepancy: lines.some((line) => line.rejected > 0),
            },
          },
        ];
      }
      default: {
        const unexpected: never = command.type;
        throw new Error(`unexpected command ${JSON.stringify(unexpected)}`);
      }
    }
  },
};
