import type { Result } from '../../util/result';
import { fail, ok } from '../../util/result';

export interface PprofRecordCounts {
  samples: number;
  locations: number;
  functions: number;
}

/**
 * Counts a pprof Profile message's samples (field 2), locations (4) and functions (5) by walking
 * its top-level fields without decoding them: cheap, so a profile too big to decode is refused
 * before it costs memory. Fails on a wire format that is not protobuf or ends mid-field.
 */
export function countPprofRecords(bytes: Uint8Array): Result<PprofRecordCounts, 'decode'> {
  const counts: PprofRecordCounts = { samples: 0, locations: 0, functions: 0 };
  let pos = 0;
  const varint = (): number => {
    let v = 0;
    let scale = 1;
    for (let k = 0; k < 10; k++) {
      if (pos >= bytes.length) return -1;
      const b = bytes[pos++]!;
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 128;
    }
    return -2;
  };
  while (pos < bytes.length) {
    const at = pos;
    const tag = varint();
    if (tag < 0) return fail('decode', `it ends inside a field tag at byte ${at}`);
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 0) return fail('decode', `it has field number 0 at byte ${at}, which protobuf does not allow`);
    let skip: number;
    if (wire === 0) {
      if (varint() < 0) return fail('decode', `it ends inside a number at byte ${at}`);
      skip = 0;
    } else if (wire === 1) skip = 8;
    else if (wire === 5) skip = 4;
    else if (wire === 2) {
      skip = varint();
      if (skip < 0) return fail('decode', `it ends inside a length at byte ${at}`);
      if (field === 2) counts.samples++;
      else if (field === 4) counts.locations++;
      else if (field === 5) counts.functions++;
    } else return fail('decode', `it has wire type ${wire} at byte ${at}, which pprof does not use`);
    if (pos + skip > bytes.length)
      return fail(
        'decode',
        `it ends at byte ${bytes.length}, inside a field that needs ${skip} bytes from byte ${pos} (truncated)`,
      );
    pos += skip;
  }
  return ok(counts);
}
