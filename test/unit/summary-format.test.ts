// Go's text forms and duration histogram, against what Go 1.27 itself prints
// (summary-oracle/formats.json, made by summary-oracle/make.sh from time, strconv, fmt and
// internal/trace/traceviewer).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatGoDuration, formatSeconds, goQuote, parseGoDuration } from '../../parser/analysis/summary-format.ts';
import { timeHistogram } from '../../parser/analysis/summary-histogram.ts';

interface Formats {
  durations: Array<[number, string]>;
  seconds: Array<[number, string]>;
  parsed: Array<{ text: string; value: number | null }>;
  quotes: Array<[string, string]>;
  histograms: Array<{
    samples: number[]; count: number; minBucket: number; maxBucket: number; buckets: number[]; bucketMin: number[];
  }>;
}

const go: Formats = JSON.parse(readFileSync(new URL('./summary-oracle/formats.json', import.meta.url), 'utf8'));

describe("Go's text forms", () => {
  it('time.Duration.String', () => {
    expect(go.durations.length).toBeGreaterThan(10);
    for (const [ns, text] of go.durations) expect(formatGoDuration(ns), `${ns}`).toBe(text);
  });
  it('%2.9f seconds', () => {
    for (const [ns, text] of go.seconds) expect(formatSeconds(ns), `${ns}`).toBe(text);
  });
  it('time.ParseDuration, errors included', () => {
    expect(go.parsed.some((p) => p.value === null)).toBe(true);
    for (const { text, value } of go.parsed) expect(parseGoDuration(text), JSON.stringify(text)).toBe(value);
  });
  it('strconv.Quote', () => {
    for (const [s, quoted] of go.quotes) expect(goQuote(s), JSON.stringify(s)).toBe(quoted);
  });
});

describe("traceviewer.TimeHistogram", () => {
  for (const h of go.histograms) {
    it(`samples ${h.samples.join(',')}`, () => {
      const ours = timeHistogram(h.samples);
      expect(ours.count).toBe(h.count);
      expect(ours.buckets.map((b) => b.index)).toEqual(range(h.minBucket, h.maxBucket));
      expect(ours.buckets.map((b) => b.count)).toEqual(h.buckets.slice(h.minBucket, h.maxBucket + 1));
      expect(ours.buckets.map((b) => b.min)).toEqual(h.bucketMin.slice(0, -1));
      expect(ours.buckets.map((b) => b.max)).toEqual(h.bucketMin.slice(1));
    });
  }
});

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}
