// The pprof profile.proto messages (github.com/google/pprof/proto/profile.proto), written out
// from the format's documentation and loaded as a protobufjs reflection root. Used to decode
// profiles (ours, go tool trace's goldens); encoding mirrors Go's field layout by hand in
// pprof.ts.

import protobuf from 'protobufjs';

const PROFILE_PROTO = `
syntax = "proto3";
package perftools.profiles;

message Profile {
  repeated ValueType sample_type = 1;
  repeated Sample sample = 2;
  repeated Mapping mapping = 3;
  repeated Location location = 4;
  repeated Function function = 5;
  repeated string string_table = 6;
  int64 drop_frames = 7;
  int64 keep_frames = 8;
  int64 time_nanos = 9;
  int64 duration_nanos = 10;
  ValueType period_type = 11;
  int64 period = 12;
  repeated int64 comment = 13;
  int64 default_sample_type = 14;
  int64 doc_url = 15;
}

message ValueType {
  int64 type = 1;
  int64 unit = 2;
}

message Sample {
  repeated uint64 location_id = 1;
  repeated int64 value = 2;
  repeated Label label = 3;
}

message Label {
  int64 key = 1;
  int64 str = 2;
  int64 num = 3;
  int64 num_unit = 4;
}

message Mapping {
  uint64 id = 1;
  uint64 memory_start = 2;
  uint64 memory_limit = 3;
  uint64 file_offset = 4;
  int64 filename = 5;
  int64 build_id = 6;
  bool has_functions = 7;
  bool has_filenames = 8;
  bool has_line_numbers = 9;
  bool has_inline_frames = 10;
}

message Location {
  uint64 id = 1;
  uint64 mapping_id = 2;
  uint64 address = 3;
  repeated Line line = 4;
  bool is_folded = 5;
}

message Line {
  uint64 function_id = 1;
  int64 line = 2;
  int64 column = 3;
}

message Function {
  uint64 id = 1;
  int64 name = 2;
  int64 system_name = 3;
  int64 filename = 4;
  int64 start_line = 5;
}
`;

/** The Profile message type; build it once per call site (it is cheap and holds no trace data). */
export function profileMessageType(): protobuf.Type {
  return protobuf.parse(PROFILE_PROTO, { keepCase: true }).root.lookupType('perftools.profiles.Profile');
}

/** Field numbers of Profile and its messages, as Go's internal/profile encodes them. */
export const ProfileField = {
  sampleType: 1,
  sample: 2,
  mapping: 3,
  location: 4,
  function: 5,
  stringTable: 6,
  dropFrames: 7,
  keepFrames: 8,
  timeNanos: 9,
  durationNanos: 10,
  periodType: 11,
  period: 12,
} as const;
export const ValueTypeField = { type: 1, unit: 2 } as const;
export const SampleField = { locationId: 1, value: 2 } as const;
export const LocationField = { id: 1, mappingId: 2, address: 3, line: 4 } as const;
export const LineField = { functionId: 1, line: 2 } as const;
export const FunctionField = { id: 1, name: 2, systemName: 3, filename: 4, startLine: 5 } as const;
