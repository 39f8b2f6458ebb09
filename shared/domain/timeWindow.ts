import { z } from 'zod';

const UNITS = { m: 'minutes', h: 'hours', d: 'days', w: 'weeks' } as const;

/**
 * "Received within": `30m`, `24h`, `7d`, `2w` → the PostgreSQL interval `'24 hours'`.
 * Four digits at most, so `now() - interval` never leaves PostgreSQL's date range.
 */
export const timeWindowSchema = z
  .string()
  .regex(/^\d{1,4}[mhdw]$/, 'must be a number (up to 4 digits) and a unit m, h, d or w, e.g. 30m, 24h, 7d')
  .transform((value) => `${value.slice(0, -1)} ${UNITS[value.slice(-1) as keyof typeof UNITS]}`);
