/** Where the county board's screens live (under the area's base, `/lan`): Swedish, because they are bookmarked by people who read Swedish. */
export const COUNTY_BASE = '/lan';
export const municipalityPath = (code: string) => `${COUNTY_BASE}/kommun/${code}`;
export const situationPath = `${COUNTY_BASE}/lagesbild`;
export const roundsPath = `${COUNTY_BASE}/fordelning`;
export const newRoundPath = `${COUNTY_BASE}/fordelning/ny`;
export const roundPath = (allocationId: string) => `${COUNTY_BASE}/fordelning/${allocationId}`;
export const nationalRequestsPath = `${COUNTY_BASE}/nationella`;
export const newNationalRequestPath = (allocationId?: string) =>
  `${COUNTY_BASE}/nationella/ny${allocationId ? `?omgang=${encodeURIComponent(allocationId)}` : ''}`;
