/** Minor page faults of this process, for the session benches (bench/README.md: "What a round allocates"). */
import * as fs from 'node:fs';

/** This process's minor page faults so far (field 10 of /proc/self/stat), NaN where there is none. */
export function minorFaults(): number {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[7]);
  } catch {
    return NaN;
  }
}
