import type { CliIO } from '../io';
import { EXIT_OK } from '../io';
import { fmtLocation } from './profileShared';
import { formatBytes, plural } from '../../shared/format';
import type { ProfileFormat } from '../../core/profiler/formats/types';
import type { Profile } from '../../core/profiler/model';
import { topFunctions, weightUnit } from '../../core/profiler/model';

/** The end of a successful heap recording: what was written, how much heap it holds, the biggest site. */
export function reportHeap(
  io: CliIO,
  json: boolean,
  file: string,
  source: string,
  format: ProfileFormat,
  bytes: number,
  p: Profile,
): number {
  const unit = weightUnit(p) === 'bytes' ? 'bytes' : 'objects';
  const top = topFunctions(p, 1, 'self')[0];
  const amount = (v: number) => (unit === 'bytes' ? formatBytes(v) : plural(Math.round(v), 'object'));
  if (json) {
    io.out(
      JSON.stringify(
        {
          file,
          source,
          format,
          bytes,
          sampleType: p.sampleType!.type,
          unit,
          total: Math.round(p.sampleCount),
          top: top ? { name: top.name, file: top.file, line: top.line, self: Math.round(top.selfSamples ?? 0) } : null,
        },
        null,
        2,
      ),
    );
    return EXIT_OK;
  }
  io.out(`Wrote ${file} (${formatBytes(bytes)}; ${p.sampleType!.type}: ${amount(p.sampleCount)} sampled).`);
  if (top) {
    const where = fmtLocation(top.file, top.line, io.cwd);
    io.out(`Largest allocation site: ${top.name}${where ? ` ${where}` : ''} (${amount(top.selfSamples ?? 0)}).`);
  }
  io.out(`Next: perflens profile summarize ${fmtLocation(file, 0, io.cwd)}`);
  return EXIT_OK;
}
