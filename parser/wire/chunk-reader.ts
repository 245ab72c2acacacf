// A front-to-back reader over a chunked byte source (file stream, HTTP body, test buffer).
// It pulls chunks only when asked to `fill`, so a trace is never held whole; reads that
// straddle chunk boundaries are stitched here, so decoders above never see the chunking.
//
// Protocol: `await fill(n)` makes up to n bytes available (fewer only at end of input);
// the synchronous reads then consume from what is available. Offsets are absolute positions
// in the source (callers add the header size when they report file offsets).

import type { ByteSource } from '../types.ts';
import { MAX_VARINT_LEN, VarintCursor, VarintStatus } from './varint.ts';

/** A read that ran past the available bytes; `code` names it the way Go's io package does. */
export class ShortReadError extends Error {
  constructor(readonly code: 'EOF' | 'unexpected EOF' | 'overflow', readonly offset: number) {
    super(code === 'overflow' ? 'binary: varint overflows a 64-bit integer' : code);
  }
}

const SPENT = new Uint8Array(0);

export class ChunkReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  /** Buffered chunks; chunks[head] is the current one (earlier ones are spent). */
  private chunks: Uint8Array[] = [];
  private head = 0;
  /** Read position inside chunks[head]. */
  private pos = 0;
  /** Bytes available from the read position to the end of the buffered chunks. */
  private buffered = 0;
  private ended = false;
  /** Absolute offset of the read position. */
  private consumed = 0;
  private readonly varint = new VarintCursor();
  /** Total bytes pulled from the source so far (for progress reports). */
  pulled = 0;

  constructor(source: ByteSource) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Absolute offset of the next byte to be read. */
  get offset(): number {
    return this.consumed;
  }

  /** Bytes that can be read without pulling more input. */
  get available(): number {
    return this.buffered;
  }

  /** Pulls chunks until `n` bytes are available or the input ends; true if n are available. */
  async fill(n: number): Promise<boolean> {
    while (this.buffered < n && !this.ended) {
      const { value, done } = await this.iterator.next();
      if (done) {
        this.ended = true;
        break;
      }
      if (value.length === 0) continue;
      this.chunks.push(value);
      this.buffered += value.length;
      this.pulled += value.length;
    }
    return this.buffered >= n;
  }

  /** True when every byte has been read and the source is exhausted. */
  async atEnd(): Promise<boolean> {
    return !(await this.fill(1));
  }

  /** Reads one byte; throws ShortReadError('EOF') when none is available. */
  readByte(): number {
    if (this.buffered === 0) throw new ShortReadError('EOF', this.consumed);
    const chunk = this.chunks[this.head];
    const b = chunk[this.pos];
    this.advance(1);
    return b;
  }

  /**
   * Reads a varint like binary.ReadUvarint: 'EOF' if no byte is available, 'unexpected EOF'
   * if the input ends inside the varint, 'overflow' past 64 bits.
   */
  readUvarint(): number {
    if (this.buffered === 0) throw new ShortReadError('EOF', this.consumed);
    const chunk = this.chunks[this.head];
    const inChunk = chunk.length - this.pos;
    if (inChunk >= MAX_VARINT_LEN || inChunk === this.buffered) {
      const v = this.varint.decode(chunk, this.pos, chunk.length);
      if (this.varint.status === VarintStatus.Ok && this.varint.n > 0) {
        this.advance(this.varint.n);
        return v;
      }
      const code = this.varint.status === VarintStatus.Overflow ? 'overflow' : 'unexpected EOF';
      throw new ShortReadError(code, this.consumed);
    }
    // The varint may straddle chunks: gather up to 10 bytes and decode those.
    const scratch = this.peek(Math.min(MAX_VARINT_LEN, this.buffered));
    const v = this.varint.decode(scratch, 0, scratch.length);
    if (this.varint.status === VarintStatus.Ok && this.varint.n > 0) {
      this.advance(this.varint.n);
      return v;
    }
    const code = this.varint.status === VarintStatus.Overflow ? 'overflow' : 'unexpected EOF';
    throw new ShortReadError(code, this.consumed);
  }

  /**
   * Reads exactly n bytes (the caller has checked `available`). The result is a view into the
   * source chunk when it lies in one chunk, else a copy; either way it stays valid after later
   * reads, because chunks are never reused.
   */
  readBytes(n: number): Uint8Array {
    if (n > this.buffered) throw new ShortReadError('unexpected EOF', this.consumed);
    const chunk = this.chunks[this.head];
    if (this.pos + n <= chunk.length) {
      const view = chunk.subarray(this.pos, this.pos + n);
      this.advance(n);
      return view;
    }
    const out = this.peek(n);
    this.advance(n);
    return out;
  }

  /** Copies the next n available bytes without consuming them. */
  private peek(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    let pos = this.pos;
    for (let i = this.head; filled < n; i++) {
      const chunk = this.chunks[i];
      const take = Math.min(n - filled, chunk.length - pos);
      out.set(chunk.subarray(pos, pos + take), filled);
      filled += take;
      pos = 0;
    }
    return out;
  }

  private advance(n: number): void {
    this.buffered -= n;
    this.consumed += n;
    this.pos += n;
    while (this.head < this.chunks.length && this.pos >= this.chunks[this.head].length) {
      this.pos -= this.chunks[this.head].length;
      this.chunks[this.head] = SPENT; // let the chunk be collected
      this.head++;
    }
    // Drop spent chunks in bulk, so tiny chunks do not make this quadratic.
    if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
