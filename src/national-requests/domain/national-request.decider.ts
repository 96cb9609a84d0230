import type { Decider } from '../../shared/decider.js';
import { DomainError } from '../../shared/domain-error.js';
import type { NationalRequestAnsweredData, NationalRequestEvent } from './national-request.events.js';

export type NationalRequestOutcome = NationalRequestAnsweredData['outcome'];

export interface RequestLine {
  readonly item: string;
  readonly quantity: number;
}

export type NationalRequestCommand =
  | {
      readonly type: 'RaiseNationalRequest';
      readonly requestId: string;
      readonly county: string;
      readonly lines: readonly RequestLine[];
      readonly note?: string;
      /**
       * When the request escalates a round: the round's id and its unmet need per item (summed over
       * municipalities), which no line may exceed. Fetched by the handler from the round's proposal.
       */
      readonly round?: { readonly allocationId: string; readonly unmetByItem: ReadonlyMap<string, number> };
    }
  | {
      readonly type: 'AnswerNationalRequest';
      readonly requestId: string;
      readonly outcome: NationalRequestOutcome;
      readonly lines: readonly RequestLine[];
      readonly note?: string;
    };

export type NationalRequestState =
  | { readonly status: 'none' }
  | { readonly status: 'open'; readonly county: string; readonly lines: readonly RequestLine[] }
  | { readonly status: 'answered'; readonly county: string; readonly outcome: NationalRequestOutcome };

const refuseDuplicateItems = (lines: readonly RequestLine[]): void => {
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    if (seen.has(line.item)) {
      throw new DomainError('NATIONAL_REQUEST.DUPLICATE_ITEM', `item ${line.item} appears twice`, 'invalid', { field: `lines[${i}].item` });
    }
    seen.add(line.item);
  });
};

/**
 * A request to the national board (`national-request-{id}`): raised once by a county, answered once
 * by the national board (recorded by an operator). An escalation from a round asks for no more of an
 * item than the round left unmet; an answer that grants says what it grants, a refusal grants nothing.
 */
export const nationalRequestDecider: Decider<NationalRequestCommand, NationalRequestState, NationalRequestEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve(state, event) {
    switch (event.type) {
      case 'NationalRequestRaised':
        return { status: 'open', county: event.data.county, lines: event.data.lines };
      case 'NationalRequestAnswered':
        return { status: 'answered', county: event.data.county, outcome: event.data.outcome };
      default: {
        const unexpected: never = event;
        throw new Error(`unexpected event ${JSON.stringify(unexpected)}`);
      }
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'RaiseNationalRequest': {
        if (state.status !== 'none') {
          throw new DomainError('NATIONAL_REQUEST.ALREADY_RAISED', `national request ${command.requestId} is already raised`, 'rule');
        }
        refuseDuplicateItems(command.lines);
        if (command.round) {
          const { unmetByItem } = command.round;
          command.lines.forEach((line, i) => {
            const unmet = unmetByItem.get(line.item) ?? 0;
            if (line.quantity > unmet) {
              throw new DomainError(
                'NATIONAL_REQUEST.EXCEEDS_UNMET_NEED',
                `${line.quantity} ${line.item} asked for, but the round left ${unmet} unmet`,
                'rule',
                { field: `lines[${i}].quantity`, unmet },
              );
            }
          });
        }
        return [
          {
            type: 'NationalRequestRaised',
            data: {
              requestId: command.requestId,
              county: command.county,
              ...(command.round ? { allocationId: command.round.allocationId } : {}),
              lines: [...command.lines],
              ...(command.note === undefined ? {} : { note: command.note }),
            },
          },
        ];
      }
      case 'AnswerNationalRequest': {
        if (state.status === 'none') {
          throw new DomainError('NATIONAL_REQUEST.NOT_FOUND', `no national request ${command.requestId}`, 'not-found');
        }
        if (state.status === 'answered') {
          throw new DomainError('NATIONAL_REQUEST.ALREADY_ANSWERED', `national request ${command.requestId} is already answered (${state.outcome})`, 'rule');
        }
        if (command.outcome === 'refused' && command.lines.length > 0) {
          throw new DomainError('NATIONAL_REQUEST.REFUSAL_WITH_LINES', 'a refusal grants nothing: leave out lines', 'invalid', { field: 'lines' });
        }
        if (command.outcome !== 'refused' && command.lines.length === 0) {
          throw new DomainError('NATIONAL_REQUEST.GRANT_WITHOUT_LINES', `a ${command.outcome} answer says what is granted: give lines`, 'invalid', {
            field: 'lines',
          });
        }
        refuseDuplicateItems(command.lines);
        return [
          {
            type: 'NationalRequestAnswered',
            data: {
              requestId: command.requestId,
              county: state.county,
              outcome: command.outcome,
              lines: [...command.lines],
              ...(command.note === undefined ? {} : { note: command.note }),
            },
          },
        ];
      }
      default: {
        const unexpected: never = command;
        throw new Error(`unexpected command ${JSON.stringify(unexpected)}`);
      }
    }
  },
};
