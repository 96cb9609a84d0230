import { z } from 'zod';

/** Building blocks of event schemas (zod), shared by every context. */
export const id = z.uuid();
export const itemCode = z.string().regex(/^[A-Z0-9-]{2,40}$/);
export const municipalityCode = z.string().regex(/^\d{4}$/);
export const countyCode = z.string().regex(/^\d{2}$/);
export const warehouseId = z.string().regex(/^[a-z0-9-]{2,40}$/);
export const instant = z.iso.datetime({ offset: true });
export const isoDate = z.iso.date();
/** Whole units, never negative. */
export const units = z.number().int().nonnegative().max(1_000_000_000);
/** Whole units, at least one. */
export const positiveUnits = z.number().int().positive().max(1_000_000_000);
export const lot = z.string().min(1).max(60);
export const text = (max: number) => z.string().trim().min(1).max(max);
/** ISO week, e.g. 2026-W10: the reporting period. */
export const isoWeek = z.string().regex(/^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/);
