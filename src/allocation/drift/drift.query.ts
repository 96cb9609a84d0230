import type { DataSource } from 'typeorm';

/** What changed in a decided round's inputs since the decision, as the log knows it now. */
export interface DriftSummary {
  readonly drifted: boolean;
  /** When drift was last detected (recording time). */
  readonly detectedAt: string;
  /** The log position of the late fact that caused it. */
  readonly causedBy: { readonly eventId: string; readonly position: string; readonly type: string; readonly streamId: string };
  /** Per input that differs: municipality, item, field, as recorded, as known now. */
  readonly differences: readonly {
    readonly municipality: string;
    readonly item?: string;
    readonly field: string;
    readonly recorded: unknown;
    readonly now: unknown;
  }[];
}

/** Drift of the given rounds (absent: no drift). Filled in by the decision-drift read model. */
export const driftFor = async (_db: DataSource, _allocationIds: readonly string[]): Promise<Map<string, DriftSummary>> =>
  new Map();
