// Go's text forms and histogram that the task and region pages use, for summary-format.test.ts:
// time.Duration.String, time.ParseDuration, strconv.Quote, "%2.9f" seconds and
// traceviewer.TimeHistogram.
package main

import (
	"fmt"
	"strconv"
	"time"

	traceviewer "gohist"
)

type parsed struct {
	Text  string `json:"text"`
	Value *int64 `json:"value"`
}

type histogram struct {
	Samples   []int64 `json:"samples"`
	Count     int     `json:"count"`
	MinBucket int     `json:"minBucket"`
	MaxBucket int     `json:"maxBucket"`
	Buckets   []int   `json:"buckets"`
	BucketMin []int64 `json:"bucketMin"` // BucketMin(MinBucket … MaxBucket+1)
}

type formats struct {
	Durations []([2]any) `json:"durations"`
	Seconds   []([2]any) `json:"seconds"`
	Parsed    []parsed   `json:"parsed"`
	Quotes    []([2]string) `json:"quotes"`
	Histograms []histogram `json:"histograms"`
}

func formatCases() formats {
	var f formats
	for _, d := range []int64{0, 1, 999, 1000, 1001, 1500, 999999, 1000000, 1234567, 999999999, 1e9, 1e9 + 1,
		59999999999, 61e9, 3600e9 + 1, 7322e9 + 5e8, -1500, -61e9, 123456789012345} {
		f.Durations = append(f.Durations, [2]any{d, time.Duration(d).String()})
		f.Seconds = append(f.Seconds, [2]any{d, fmt.Sprintf("%2.9f", time.Duration(d).Seconds())})
	}
	for _, s := range []string{"1ms", "1.5s", "2h45m", "0", "-3us", "+4ms", "1µs", "1μs", ".5ms", "1.ms", "1", "", "1x",
		"300ns", "1.0000000001s", "5m0.5s", "1h1m1s1ms1us1ns", ".", "-", "1.5h"} {
		p := parsed{Text: s}
		if d, err := time.ParseDuration(s); err == nil {
			v := int64(d)
			p.Value = &v
		}
		f.Parsed = append(f.Parsed, p)
	}
	for _, s := range []string{"plain", `with "quote"`, "tab\there", "new\nline", "\x7f", "\x01", "héllo", "日本",
		"\u200b", "emoji 😀", `back\slash`, "\u00a0", "bell\a", "\ufffd"} {
		f.Quotes = append(f.Quotes, [2]string{s, strconv.Quote(s)})
	}
	for _, samples := range [][]int64{
		{1000, 2000, 1500000, 7, 0},
		{0, 0, 5},
		{5, 0, 0},
		{1e9, 1e9 + 1, 999999999, 10, 100, 1000, 10000, 100000, 1000000},
		{123456789, 2, 3, 4, 5, 6, 7, 8, 9},
	} {
		var h traceviewer.TimeHistogram
		for _, d := range samples {
			h.Add(time.Duration(d))
		}
		out := histogram{Samples: samples, Count: h.Count, MinBucket: h.MinBucket, MaxBucket: h.MaxBucket, Buckets: h.Buckets[:h.MaxBucket+1]}
		for i := h.MinBucket; i <= h.MaxBucket+1; i++ {
			out.BucketMin = append(out.BucketMin, int64(h.BucketMin(i)))
		}
		f.Histograms = append(f.Histograms, out)
	}
	return f
}
