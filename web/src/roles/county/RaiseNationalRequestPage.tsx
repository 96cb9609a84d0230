import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useItems } from '../../api/reference.js';
import { useUser } from '../../auth/session.js';
import { type CommandBody, useCommand } from '../../commands/commands.js';
import { useLanguage, useTexts } from '../../i18n/language.js';
import { CommandFeedback } from '../../ui/CommandFeedback.js';
import { SelectField, TextAreaField, TextField } from '../../ui/Field.js';
import { Page } from '../../ui/Page.js';
import { QueryState } from '../../ui/states.js';
import { useFormat } from '../../ui/useFormat.js';
import { useRounds } from '../rounds/queries.js';
import { useRoundName } from '../rounds/RoundParts.js';
import { roundTexts } from '../rounds/texts.js';
import type { RaisedState } from './NationalRequestsPage.js';
import { nationalRequestsPath } from './paths.js';
import { countyTexts } from './texts.js';

/**
 * Raises a national request: quantities per item, optionally for a round whose unmet need it
 * escalates. Opened from a round (`?omgang=<id>`), it is filled in with what the round left unmet,
 * as the service computed it; the person can change any figure before sending.
 */
export const RaiseNationalRequestPage = () => {
  const t = useTexts(countyTexts);
  const r = useTexts(roundTexts);
  const f = useFormat();
  const { language } = useLanguage();
  const user = useUser();
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const items = useItems();
  const rounds = useRounds(user.county);
  const roundName = useRoundName();
  const command = useCommand<'/api/national-requests'>();
  const [allocationId, setAllocationId] = useState(search.get('omgang') ?? '');
  const [quantities, setQuantities] = useState<Readonly<Record<string, string>>>({});
  const [note, setNote] = useState('');
  const [prefilledFor, setPrefilledFor] = useState<string | null>(null);
  const [sentItems, setSentItems] = useState<readonly string[]>([]);

  const round = rounds.data?.rounds.find((x) => x.allocationId === allocationId);
  // Choosing a round (or arriving from one) fills in its unmet need once; later edits are the person's.
  useEffect(() => {
    if (round && prefilledFor !== round.allocationId) {
      setQuantities(Object.fromEntries(round.proposal.outputs.items.filter((i) => i.unmet > 0).map((i) => [i.item, String(i.unmet)])));
      setPrefilledFor(round.allocationId);
    }
  }, [round, prefilledFor]);

  const error = command.state.status === 'refused' ? command.state.error : undefined;
  // The service names a line by its place in the body: `lines[2].quantity` is the third item sent.
  const lineError = (item: string) => {
    const index = sentItems.indexOf(item);
    return index < 0
      ? undefined
      : (error?.fieldMessage(`lines[${index}].quantity`) ?? error?.fieldMessage(`lines[${index}].item`) ?? error?.fieldMessage(`lines[${index}]`));
  };
  const linesError = error?.fieldMessage('lines');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const lines = (items.data?.items ?? [])
      .filter((i) => (quantities[i.code] ?? '').trim() !== '')
      .map((i) => ({ item: i.code, quantity: Number(quantities[i.code]) }));
    setSentItems(lines.map((l) => l.item));
    const body: CommandBody<'/api/national-requests'> = {
      lines,
      ...(allocationId ? { allocationId } : {}),
      ...(note.trim() ? { note: note.trim() } : {}),
    };
    const result = await command.submit({ route: '/api/national-requests', body, label: t('raiseTitle') });
    if (result.status === 'recorded') void navigate(nationalRequestsPath, { state: { recorded: result.result.requestId } satisfies RaisedState });
  };

  return (
    <Page title={t('raiseTitle')} intro={<p>{t('raiseIntro')}</p>}>
      <QueryState query={items}>
        {(catalogue) => (
          <form onSubmit={(e) => void submit(e)} noValidate>
            <SelectField
              label={t('roundLabel')}
              hint={t('roundHint')}
              name="allocationId"
              value={allocationId}
              error={error?.fieldMessage('allocationId')}
              onChange={(e) => setAllocationId(e.target.value)}
            >
              <option value="">{t('noRoundChoice')}</option>
              {rounds.data?.rounds.map((x) => (
                <option key={x.allocationId} value={x.allocationId}>
                  {`${roundName(x)} (${r(`status.${x.status}`)})`}
                </option>
              ))}
            </SelectField>
            <fieldset aria-describedby={linesError ? 'lines-error' : undefined}>
              <legend>{t('quantitiesLegend')}</legend>
              {round && prefilledFor === round.allocationId ? <p className="hint">{t('prefilled')}</p> : null}
              {linesError ? (
                <p className="field-error" id="lines-error">
                  {linesError}
                </p>
              ) : null}
              <div className="grid">
                {catalogue.items.map((item) => {
                  const unmet = round?.proposal.outputs.items.find((i) => i.item === item.code)?.unmet;
                  return (
                    <TextField
                      key={item.code}
                      label={language === 'sv' ? item.nameSv : item.nameEn}
                      hint={unmet ? t('unmetHint', { unmet: f.number(unmet, 0) }) : undefined}
                      name={`quantity-${item.code}`}
                      type="number"
                      inputMode="numeric"
                      min={1}
                      value={quantities[item.code] ?? ''}
                      error={lineError(item.code)}
                      onChange={(e) => setQuantities({ ...quantities, [item.code]: e.target.value })}
                    />
                  );
                })}
              </div>
            </fieldset>
            <TextAreaField
              label={t('noteLabel')}
              hint={t('noteHint')}
              name="note"
              value={note}
              error={error?.fieldMessage('note')}
              onChange={(e) => setNote(e.target.value)}
            />
            <CommandFeedback state={command.state} />
            <div className="button-row form-actions">
              <button type="submit" className="primary" disabled={command.state.status === 'sending'}>
                {t('raiseSubmit')}
              </button>
              <Link to={nationalRequestsPath}>{t('cancel')}</Link>
            </div>
          </form>
        )}
      </QueryState>
    </Page>
  );
};
