// The per-goroutine fields the timeline pass reads and writes on every goroutine event, kept
// together row by row (one cache line holds two rows): with a column per field, each event on a
// goroutine touched half a dozen arrays at scattered places, and the pass was bound by those
// cache misses on traces with millions of goroutines.

import { grown, narrowestUnsignedType } from './typed-arrays.ts';

/** Fields of a goroutine record (unsigned 32-bit values). */
export const START_FUNCTION = 0; // string id + 1 of the entry function once named, else 0
export const LABEL = 1; // string id of the last label, or 0
export const FLAGS = 2; // builder flags (timeline-builder.ts)
export const BLOCK_REASON = 3; // string id of the reason of the current block
export const PENDING_FLOW = 4; // flow slot + 1 of the pending start cause, else 0
export const VIEW_SLOT = 5; // TimelineViews slot + 1, else 0
export const STATE_SLOT = 6; // StateRowsBuilder staging slot + 1, else 0
export const STATE_HOME = 7; // where StateRowsBuilder put the row's spans: 0 none yet, block + 1, or PRIVATE_STATE_ROW
/** Fields per record, as a shift. */
const SHIFT = 3;

export class GoroutineRecords {
  /** Record of row r: data[r·8 …]; read through `data` each time (it is replaced as it grows). */
  data = new Uint32Array(1024 << SHIFT);
  count = 0;

  /** A new zeroed record; returns its row. */
  add(): number {
    if ((this.count + 1) << SHIFT > this.data.length) this.data = grown(this.data);
    // Write the record's last field now. Its memory is fresh from the OS, and the array's data
    // starts 16 bytes into its first page (malloc's header), so every 128th record straddles two
    // pages: its first fields are on a page earlier records wrote, the views' slot on a new page
    // the pass would otherwise read before writing (see writtenZeros: two faults and a TLB flush
    // on every CPU, ~0.8 s of CPU over the 48 K such pages of a 183 MB trace).
    this.data[((this.count + 1) << SHIFT) - 1] = 0;
    return this.count++;
  }

  /** Index of field `field` of row `row` in `data`. */
  static at(row: number, field: number): number {
    return (row << SHIFT) + field;
  }

  /**
   * Field `field` of rows rowOfK[0], rowOfK[1], … (every row, in some order) in the narrowest
   * unsigned type: the maximum is found in place, so no full-width copy is made to narrow.
   */
  narrowColumn(field: number, rowOfK: Uint32Array): Uint8Array | Uint16Array | Uint32Array {
    const data = this.data;
    let max = 0;
    for (let r = 0; r < this.count; r++) if (data[(r << SHIFT) + field] > max) max = data[(r << SHIFT) + field];
    const out = new (narrowestUnsignedType(max))(rowOfK.length);
    for (let k = 0; k < rowOfK.length; k++) out[k] = data[(rowOfK[k] << SHIFT) + field];
    return out;
  }
}

