import type { DataSource } from 'typeorm';
import { UUID } from '../../shared/ids.js';
import type { InputDifference } from '../domain/compare-round.js';

/** What changed in a decided round's inputs since the decision, as the log knows it now. */
export interface DriftSummary {
  readonly drifted: boolean;
  /** When drift was last detected (recording time). */
  readonly detectedAt: string;
  /** The log position of the late fact that caused it. */
  readonly causedBy: { readonly eventId: string; readonly position: string; readonly type: string; readonly streamId: string };
  /** Per input that differs: municipality, item, field, as recorded, as known now. */
  readonly differences: readonly InputDifference[];
}

interface DriftRow {
  allocation_id: string;
  municipality: string;
  differences: InputDifference[];
  caused_by: DriftSummary['causedBy'];
  detected_at: Date;
}

/**
 * Drift of the given rounds (absent: no drift), from the `decision-drift` read model. A round's
 * differences are those of each of its municipalities as last recomputed; `causedBy` names the
 * latest late fact that left a difference.
 */
export const driftFor = async (db: DataSource, allocationIds: readonly string[]): Promise<Map<string, DriftSummary>> => {
  const result = new Map<string, DriftSummary>();
  const ids = allocationIds.filter((id) => UUID.test(id));
  if (ids.length === 0) return result;
  const rows: DriftRow[] = await db.query(
    `SELECT allocation_id, municipality, differences, caused_by, detected_at FROM decision_drift_municipalities
      WHERE allocation_id = ANY ($1::uuid[]) AND jsonb_array_length(differences) > 0
      ORDER BY allocation_id, last_position, municipality`,
    [ids],
  );
  for (const row of rows) {
    const known = result.get(row.allocation_id);
    result.set(row.allocation_id, {
      drifted: true,
      // Rows come in the order of the facts that caused them: the last one is the latest.
      detectedAt: row.detected_at.toISOString(),
      causedBy: row.caused_by,
      differences: [...(known?.differences ?? []), ...row.differences],
    });
  }
  return result;
};
