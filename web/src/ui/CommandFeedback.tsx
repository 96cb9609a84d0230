import type { CommandState } from '../commands/commands.js';
import { useTexts } from '../i18n/language.js';
import { ProblemMessage } from './states.js';
import { common } from './texts.js';

/**
 * What became of a submitted form, in a live region: sending, recorded, waiting in the outbox, or
 * refused with the service's reasons. `recordedText` says what was recorded, in the form's words.
 */
export const CommandFeedback = ({ state, recordedText }: { state: CommandState<unknown>; recordedText?: string }) => {
  const t = useTexts(common);
  return (
    <div aria-live="polite" className="command-feedback">
      {state.status === 'sending' ? <p role="status">{t('sending')}</p> : null}
      {state.status === 'recorded' ? (
        <p role="status" className="alert alert-success">
          {recordedText ?? t('recorded')}
        </p>
      ) : null}
      {state.status === 'queued' ? (
        <p role="status" className="alert alert-warning">
          {t('queued')}
        </p>
      ) : null}
      {state.status === 'refused' ? <ProblemMessage error={state.error} /> : null}
    </div>
  );
};
