/**
 * An allocation policy: a pure, deterministic, versioned function from the inputs of a round to
 * whole-unit quantities per municipality and item, plus the need it could not meet. Recorded
 * decisions name the policy and version they ran; old versions stay runnable for ever.
 */

export interface ItemSupply {
  readonly item: string;
  /** Units the warehouse can give in this round (on hand − already allocated). */
  readonly available: number;
  /** Units in one pack; used when the parameters ask for whole packs. */
  readonly packSize: number;
}

export interface MunicipalityItemInput {
  readonly item: string;
  /** Projected stock now, whole units (≥ 0). */
  readonly projectedStock: number;
  /** Estimated use per day (≥ 0); null when the municipality has not reported use yet. */
  readonly dailyUse: number | null;
  /** What the municipality asked for in its latest report. */
  readonly requested: number;
}

export interface MunicipalityInput {
  readonly municipality: string;
  /** Confirmed infections in its care homes (latest report). */
  readonly infections: number;
  readonly items: readonly MunicipalityItemInput[];
}

export interface PolicyInputs {
  readonly supply: readonly ItemSupply[];
  readonly municipalities: readonly MunicipalityInput[];
}

export interface AllocationLine {
  readonly municipality: string;
  readonly item: string;
  /** What the policy judged the municipality needs of the item. */
  readonly need: number;
  readonly acute: boolean;
  readonly quantity: number;
  readonly unmet: number;
}

export interface PolicyOutput {
  readonly lines: readonly AllocationLine[];
  readonly items: readonly { readonly item: string; readonly available: number; readonly allocated: number; readonly unmet: number }[];
}

export interface AllocationPolicy<Parameters extends object = object> {
  readonly name: string;
  readonly version: number;
  readonly defaults: Parameters;
  /** Checks and completes parameters; throws on a bad one, naming it. */
  parameters(given: Partial<Parameters>): Parameters;
  allocate(inputs: PolicyInputs, parameters: Parameters): PolicyOutput;
}

export const policyId = (policy: { name: string; version: number }): string => `${policy.name}/${policy.version}`;
