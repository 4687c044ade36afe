/** Minor page faults of this process, for the session benches (bench/README.md: "What a round allocates"). */
import { procStatFields, readProcText } from '../src/core/collectors/procStat';

/** This process's minor page faults so far (field 10 of /proc/self/stat), NaN where there is none. */
export function minorFaults(): number {
  try {
    return Number(procStatFields(readProcText('/proc/self/stat'))?.[7]);
  } catch {
    return NaN;
  }
}
