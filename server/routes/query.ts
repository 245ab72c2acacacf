// Query parameters the JSON schemas cannot fully check: Go durations, hex program counters and
// go tool trace's `|`-separated MMU flags. Each failure is a 400 naming the parameter.

import { parseGoDuration } from '../../parser/analysis/summary-format.ts';
import { BadRequestError } from '../http/errors.ts';

/** A duration in Go syntax ("1.5ms", "250us") or a plain integer of nanoseconds; undefined if absent. */
export function durationParam(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ns = /^\d+$/.test(value) ? Number(value) : parseGoDuration(value);
  if (ns === null || !Number.isFinite(ns) || ns < 0) {
    throw new BadRequestError(`${name}: ${JSON.stringify(value)} is not a duration (e.g. 1.5ms, 250us or nanoseconds)`);
  }
  return ns;
}

/** A program counter in hex, with or without 0x; undefined if absent. */
export function pcParam(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const digits = value.replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]{1,16}$/.test(digits)) throw new BadRequestError(`pc: ${JSON.stringify(value)} is not a hexadecimal program counter`);
  return parseInt(digits, 16);
}

// "system" is the page's other radio button: go tool trace's own client sends it and ignores it.
const MMU_FLAG_NAMES = new Set(['perProc', 'system', 'stw', 'background', 'assist', 'sweep', 'mut']);
/** The boxes go tool trace's /mmu page starts with checked. */
export const DEFAULT_MMU_FLAGS = 'stw|background|assist';

/** Checks go tool trace's flags string; returns it normalised (empty names dropped). */
export function mmuFlagsParam(value: string | undefined): string {
  if (value === undefined) return DEFAULT_MMU_FLAGS;
  const names = value.split('|').filter((name) => name !== '');
  for (const name of names) {
    if (!MMU_FLAG_NAMES.has(name)) {
      throw new BadRequestError(`flags: unknown flag ${JSON.stringify(name)} (want perProc, stw, background, assist, sweep, mut)`);
    }
  }
  return names.join('|');
}

/** Schema pieces shared by the routes. */
export const stringParam = { type: 'string', maxLength: 4096 } as const;
export const durationParamSchema = { type: 'string', maxLength: 64 } as const;
