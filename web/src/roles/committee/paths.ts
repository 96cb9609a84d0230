/** Where the logistics meeting's screens live (under the area's base, `/logistikmote`). */
export const COMMITTEE_BASE = '/logistikmote';
export const reviewPath = (allocationId: string) => `${COMMITTEE_BASE}/omgang/${allocationId}`;
