import { type FormEvent, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { ApiError } from '../../api/client.js';
import { useItemName, useMunicipalityName } from '../../api/reference.js';
import { type CommandBody, useCommand } from '../../commands/commands.js';
import { useTexts } from '../../i18n/language.js';
import { CommandFeedback } from '../../ui/CommandFeedback.js';
import { TextAreaField, TextField } from '../../ui/Field.js';
import { Page } from '../../ui/Page.js';
import { QueryState } from '../../ui/states.js';
import { useFormat } from '../../ui/useFormat.js';
import { ProposalView } from '../rounds/ProposalView.js';
import { type AllocationLine, type Round, useRound } from '../rounds/queries.js';
import { DecisionView, DriftNotice, RoundFacts, useRoundName } from '../rounds/RoundParts.js';
import { COMMITTEE_BASE } from './paths.js';
import { committeeTexts } from './texts.js';

/** A line the meeting changes, as typed: the quantity stays text until it is sent. */
interface Amendment {
  readonly municipality: string;
  readonly item: string;
  readonly proposed: number;
  readonly quantity: string;
  readonly reason: string;
}

const amendmentId = (a: { item: string; municipality: string }) => `andring-${a.item}-${a.municipality}`;

/**
 * The meeting reviews one proposal: every line with its inputs, changes lines (each with a
 * reason), and approves with the names of those deciding and a note — or rejects. Once decided the
 * page shows the decision as the service recorded it (read back with `waitFor`).
 */
export const ReviewPage = () => {
  const { id = '' } = useParams();
  const t = useTexts(committeeTexts);
  const round = useRound(id);
  const roundName = useRoundName();
  const approve = useCommand<'/api/allocation-rounds/{id}/approve'>();
  const reject = useCommand<'/api/allocation-rounds/{id}/reject'>();
  const title = round.data ? t(round.data.status === 'proposed' ? 'reviewTitle' : 'decidedTitle', { round: roundName(round.data) }) : t('proposalsTitle');
  return (
    <Page title={title} actions={<Link to={COMMITTEE_BASE}>{t('backToProposals')}</Link>}>
      <CommandFeedback
        state={approve.state.status === 'recorded' ? approve.state : reject.state.status === 'recorded' ? reject.state : { status: 'idle' }}
        recordedText={approve.state.status === 'recorded' ? t('approvedRecorded') : t('rejectedRecorded')}
      />
      <QueryState query={round}>
        {(r) =>
          r.status === 'proposed' ? (
            <DecisionForm round={r} approve={approve} reject={reject} />
          ) : (
            <>
              <DriftNotice round={r} />
              <DecisionView round={r} />
              <RoundFacts round={r} />
              <ProposalView round={r} />
            </>
          )
        }
      </QueryState>
    </Page>
  );
};

type Approve = ReturnType<typeof useCommand<'/api/allocation-rounds/{id}/approve'>>;
type Reject = ReturnType<typeof useCommand<'/api/allocation-rounds/{id}/reject'>>;

const DecisionForm = ({ round, approve, reject }: { round: Round; approve: Approve; reject: Reject }) => {
  const t = useTexts(committeeTexts);
  const f = useFormat();
  const itemName = useItemName();
  const municipalityName = useMunicipalityName();
  const [amendments, setAmendments] = useState<readonly Amendment[]>([]);
  const [decidedBy, setDecidedBy] = useState('');
  const [note, setNote] = useState('');
  const [focusOn, setFocusOn] = useState<string | null>(null);
  const [last, setLast] = useState<'approve' | 'reject'>('approve');

  // A line just added (or asked for again) takes the focus, so the keyboard goes on where the change is made.
  useEffect(() => {
    if (focusOn) {
      document.getElementById(focusOn)?.focus();
      setFocusOn(null);
    }
  }, [focusOn]);

  const amend = (line: AllocationLine) => {
    if (!amendments.some((a) => a.item === line.item && a.municipality === line.municipality)) {
      setAmendments([
        ...amendments,
        { municipality: line.municipality, item: line.item, proposed: line.quantity, quantity: String(line.quantity), reason: '' },
      ]);
    }
    setFocusOn(`${amendmentId(line)}-quantity`);
  };
  const change = (index: number, patch: Partial<Amendment>) => setAmendments(amendments.map((a, i) => (i === index ? { ...a, ...patch } : a)));
  const remove = (index: number) => setAmendments(amendments.filter((_, i) => i !== index));

  const lastState = last === 'approve' ? approve.state : reject.state;
  const error: ApiError | undefined = lastState.status === 'refused' ? lastState.error : undefined;
  const firstError = (field: string) => error?.fieldMessage(field) ?? error?.problem.errors?.find((e) => e.field.startsWith(`${field}[`))?.message;
  const amendmentError = (index: number, field: 'quantity' | 'reason') =>
    error?.fieldMessage(`amendments[${index}].${field}`) ??
    (field === 'quantity'
      ? (error?.fieldMessage(`amendments[${index}]`) ??
        error?.fieldMessage(`amendments[${index}].municipality`) ??
        error?.fieldMessage(`amendments[${index}].item`))
      : undefined);
  const sending = approve.state.status === 'sending' || reject.state.status === 'sending';

  const names = () =>
    decidedBy
      .split('\n')
      .map((n) => n.trim())
      .filter(Boolean);
  const params = { id: round.allocationId };

  const submitApproval = async (event: FormEvent) => {
    event.preventDefault();
    setLast('approve');
    const body: CommandBody<'/api/allocation-rounds/{id}/approve'> = {
      decidedBy: names(),
      note: note.trim(),
      // An empty quantity is sent as null (not 0, which would drop the line), so the service names the field.
      amendments: amendments.map((a) => ({
        municipality: a.municipality,
        item: a.item,
        quantity: a.quantity.trim() === '' ? NaN : Number(a.quantity),
        reason: a.reason.trim(),
      })),
    };
    await approve.submit({ route: '/api/allocation-rounds/{id}/approve', params, body, label: t('approve') });
  };
  const submitRejection = async () => {
    setLast('reject');
    await reject.submit({ route: '/api/allocation-rounds/{id}/reject', params, body: { decidedBy: names(), note: note.trim() }, label: t('reject') });
  };

  const amendCell = (line: AllocationLine) => {
    const drafted = amendments.find((a) => a.item === line.item && a.municipality === line.municipality);
    return (
      <>
        {drafted ? <p className="compact">{t('amendedTo', { quantity: drafted.quantity === '' ? '–' : f.number(Number(drafted.quantity), 0) })}</p> : null}
        <button type="button" onClick={() => amend(line)}>
          {t('amend')}
          <span className="visually-hidden"> {t('amendFor', { municipality: municipalityName(line.municipality), item: itemName(line.item) })}</span>
        </button>
      </>
    );
  };

  return (
    <>
      <DriftNotice round={round} />
      <RoundFacts round={round} />
      <ProposalView round={round} amendCell={amendCell} />
      <form onSubmit={(e) => void submitApproval(e)} noValidate>
        <section aria-labelledby="amendments-heading">
          <h2 id="amendments-heading">{t('amendmentsHeading', { count: amendments.length })}</h2>
          <p className="intro">{t('amendmentsIntro')}</p>
          {amendments.length === 0 ? <p>{t('noAmendments')}</p> : null}
          {amendments.map((a, index) => {
            const id = amendmentId(a);
            return (
              <fieldset key={id} id={id}>
                <legend>
                  {t('amendmentTitle', { municipality: municipalityName(a.municipality), item: itemName(a.item), proposed: f.number(a.proposed, 0) })}
                </legend>
                <TextField
                  id={`${id}-quantity`}
                  label={t('amendQuantity')}
                  hint={t('amendQuantityHint')}
                  type="number"
                  inputMode="numeric"
                  min={0}
                  value={a.quantity}
                  error={amendmentError(index, 'quantity')}
                  onChange={(e) => change(index, { quantity: e.target.value })}
                />
                <TextAreaField
                  id={`${id}-reason`}
                  rows={2}
                  label={t('amendReason')}
                  value={a.reason}
                  error={amendmentError(index, 'reason')}
                  onChange={(e) => change(index, { reason: e.target.value })}
                />
                <button type="button" className="danger" onClick={() => remove(index)}>
                  {t('removeAmendment')}
                </button>
              </fieldset>
            );
          })}
        </section>
        <section aria-labelledby="decision-heading">
          <h2 id="decision-heading">{t('decisionHeading')}</h2>
          <TextAreaField
            label={t('decidedByLabel')}
            hint={t('decidedByHint')}
            name="decidedBy"
            value={decidedBy}
            error={firstError('decidedBy')}
            onChange={(e) => setDecidedBy(e.target.value)}
          />
          <TextAreaField
            label={t('noteLabel')}
            hint={t('noteHint')}
            name="note"
            value={note}
            error={error?.fieldMessage('note')}
            onChange={(e) => setNote(e.target.value)}
          />
          <CommandFeedback state={lastState.status === 'recorded' ? { status: 'idle' } : lastState} />
          <div className="button-row">
            <button type="submit" className="primary" disabled={sending}>
              {amendments.length > 0 ? t('approveWithChanges') : t('approve')}
            </button>
            <button type="button" className="danger" disabled={sending} onClick={() => void submitRejection()} aria-describedby="reject-hint">
              {t('reject')}
            </button>
          </div>
          <p className="hint" id="reject-hint">
            {t('rejectHint')}
          </p>
        </section>
      </form>
    </>
  );
};
