import { useOutbox } from '../commands/commands.js';
import { formatDateTime } from '../i18n/format.js';
import { useLanguage, useTexts } from '../i18n/language.js';
import { Page } from '../ui/Page.js';
import { EmptyState } from '../ui/states.js';
import { common } from '../ui/texts.js';

/** What waits in this browser to be sent, and what the service refused of it. */
export const OutboxPage = () => {
  const t = useTexts(common);
  const { language } = useLanguage();
  const outbox = useOutbox();
  return (
    <Page title={t('outboxTitle')} intro={<p>{t('outboxIntro')}</p>}>
      {outbox.entries.length === 0 ? (
        <EmptyState title={t('outboxEmpty')} />
      ) : (
        <>
          <ul className="outbox">
            {outbox.entries.map((entry) => (
              <li key={entry.key} className={`card outbox-${entry.state}`}>
                <p>
                  <strong>{entry.label}</strong> — {t('outboxQueuedAt', { time: formatDateTime(entry.queuedAt, language) })}
                </p>
                {entry.state === 'refused' ? (
                  <p className="field-error">
                    {t('outboxRefused', { reason: String((entry.problem as { detail?: string; title?: string } | undefined)?.detail ?? '') })}
                  </p>
                ) : null}
                <button type="button" onClick={() => outbox.discard(entry.key)}>
                  {t('outboxDiscard')}
                </button>
              </li>
            ))}
          </ul>
          <button type="button" className="primary" onClick={() => void outbox.flush()}>
            {t('outboxSendNow')}
          </button>
        </>
      )}
    </Page>
  );
};
