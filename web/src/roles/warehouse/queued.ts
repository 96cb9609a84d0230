import { useOutbox } from '../../commands/commands.js';

/**
 * What became of a form's command that went to the outbox: still waiting, refused when it was
 * finally sent, or sent (gone from the outbox without a refusal). The outbox knows its entries by
 * their label, which the forms make unique enough (what, for whom, when).
 */
export const useQueuedFate = (label: string | undefined, queued: boolean): 'waiting' | 'refused' | 'sent' | undefined => {
  const { entries } = useOutbox();
  if (!queued || label === undefined) return undefined;
  const entry = entries.find((e) => e.label === label);
  return entry ? entry.state : 'sent';
};
