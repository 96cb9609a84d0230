import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { Schemas } from '../../api/client.js';
import { useItems } from '../../api/reference.js';
import { type CommandBody, useCommand } from '../../commands/commands.js';
import { useLanguage, useTexts } from '../../i18n/language.js';
import { CommandFeedback } from '../../ui/CommandFeedback.js';
import { SelectField, TextField } from '../../ui/Field.js';
import { Page } from '../../ui/Page.js';
import { QueryState } from '../../ui/states.js';
import { roundPath, roundsPath } from './paths.js';
import { countyTexts } from './texts.js';

type Policy = NonNullable<Schemas['OpenAllocationRoundDto']['policy']>;
/** The versions a person chooses between (the bare name is the latest, which version 2 already names). */
const POLICIES: readonly Policy[] = ['need-weighted/2', 'need-weighted/1'];

/**
 * The policy's defaults as the API documents them (PolicyParametersDto), filled in so the person
 * sees what the round will run with; a field left empty is not sent and the service's default holds.
 */
const DEFAULTS = { horizonDays: '14', acuteDays: '3', infectionWeight: '1' } as const;

const numberOrNothing = (value: string): number | undefined => (value.trim() === '' ? undefined : Number(value));

/** Opens an allocation round: which items, which policy, its parameters. The proposal's page follows. */
export const OpenRoundPage = () => {
  const t = useTexts(countyTexts);
  const { language } = useLanguage();
  const items = useItems();
  const navigate = useNavigate();
  const command = useCommand<'/api/allocation-rounds'>();
  const [unselected, setUnselected] = useState<ReadonlySet<string>>(new Set());
  const [policy, setPolicy] = useState<Policy>('need-weighted/2');
  const [horizonDays, setHorizonDays] = useState<string>(DEFAULTS.horizonDays);
  const [acuteDays, setAcuteDays] = useState<string>(DEFAULTS.acuteDays);
  const [infectionWeight, setInfectionWeight] = useState<string>(DEFAULTS.infectionWeight);
  const [wholePacks, setWholePacks] = useState(false);

  const error = command.state.status === 'refused' ? command.state.error : undefined;
  const fieldError = (field: string) => error?.fieldMessage(field);
  const itemsError = error?.problem.errors?.find((e) => e.field === 'items' || e.field.startsWith('items['))?.message;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const codes = items.data?.items.map((i) => i.code).filter((code) => !unselected.has(code)) ?? [];
    const horizon = numberOrNothing(horizonDays);
    const acute = numberOrNothing(acuteDays);
    const weight = numberOrNothing(infectionWeight);
    const body: CommandBody<'/api/allocation-rounds'> = {
      items: codes,
      policy,
      parameters: {
        ...(horizon === undefined ? {} : { horizonDays: horizon }),
        ...(acute === undefined ? {} : { acuteDays: acute }),
        ...(weight === undefined ? {} : { infectionWeight: weight }),
        wholePacks,
      },
    };
    const result = await command.submit({ route: '/api/allocation-rounds', body, label: t('openTitle') });
    if (result.status === 'recorded') void navigate(roundPath(result.result.allocationId));
  };

  return (
    <Page title={t('openTitle')} intro={<p>{t('openIntro')}</p>}>
      <QueryState query={items}>
        {(catalogue) => (
          <form onSubmit={(e) => void submit(e)} noValidate>
            <fieldset aria-describedby={itemsError ? 'items-error' : 'items-hint'}>
              <legend>{t('itemsLegend')}</legend>
              <p className="hint" id="items-hint">
                {t('itemsHint')}
              </p>
              {itemsError ? (
                <p className="field-error" id="items-error">
                  {itemsError}
                </p>
              ) : null}
              <div className="button-row">
                <button type="button" onClick={() => setUnselected(new Set())}>
                  {t('selectAll')}
                </button>
                <button type="button" onClick={() => setUnselected(new Set(catalogue.items.map((i) => i.code)))}>
                  {t('selectNone')}
                </button>
              </div>
              <ul className="plain checkbox-list">
                {catalogue.items.map((item) => (
                  <li key={item.code}>
                    <label>
                      <input
                        type="checkbox"
                        name="items"
                        value={item.code}
                        checked={!unselected.has(item.code)}
                        onChange={(e) => {
                          const next = new Set(unselected);
                          if (e.target.checked) next.delete(item.code);
                          else next.add(item.code);
                          setUnselected(next);
                        }}
                      />{' '}
                      {language === 'sv' ? item.nameSv : item.nameEn}
                    </label>
                  </li>
                ))}
              </ul>
            </fieldset>
            <SelectField
              label={t('policyLabel')}
              hint={t('policyHint')}
              name="policy"
              value={policy}
              error={fieldError('policy')}
              onChange={(e) => setPolicy(e.target.value as Policy)}
            >
              {POLICIES.map((p) => (
                <option key={p} value={p}>
                  {t(`policy.${p}` as 'policy.need-weighted/2')}
                </option>
              ))}
            </SelectField>
            <fieldset>
              <legend>{t('parametersLegend')}</legend>
              <TextField
                label={t('horizonLabel')}
                hint={t('horizonHint')}
                name="horizonDays"
                type="number"
                inputMode="numeric"
                min={1}
                max={365}
                value={horizonDays}
                error={fieldError('parameters.horizonDays')}
                onChange={(e) => setHorizonDays(e.target.value)}
              />
              <TextField
                label={t('acuteLabel')}
                hint={t('acuteHint')}
                name="acuteDays"
                type="number"
                inputMode="numeric"
                min={0}
                value={acuteDays}
                error={fieldError('parameters.acuteDays')}
                onChange={(e) => setAcuteDays(e.target.value)}
              />
              <TextField
                label={t('weightLabel')}
                hint={t('weightHint')}
                name="infectionWeight"
                type="number"
                inputMode="decimal"
                step="any"
                min={0}
                max={100}
                value={infectionWeight}
                error={fieldError('parameters.infectionWeight')}
                onChange={(e) => setInfectionWeight(e.target.value)}
              />
              <div className="field checkbox-field">
                <label>
                  <input type="checkbox" name="wholePacks" checked={wholePacks} onChange={(e) => setWholePacks(e.target.checked)} /> {t('wholePacksLabel')}
                </label>
                {fieldError('parameters.wholePacks') ? <p className="field-error">{fieldError('parameters.wholePacks')}</p> : null}
              </div>
            </fieldset>
            <CommandFeedback state={command.state} />
            <div className="button-row form-actions">
              <button type="submit" className="primary" disabled={command.state.status === 'sending'}>
                {t('openSubmit')}
              </button>
              <Link to={roundsPath}>{t('cancel')}</Link>
            </div>
          </form>
        )}
      </QueryState>
    </Page>
  );
};
