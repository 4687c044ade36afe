import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ImportedProfile } from '../../../../src/core/profiler/formats/index';
import { importProfile } from '../../../../src/core/profiler/formats/index';
import type { FunctionStats, Profile } from '../../../../src/core/profiler/model';

export const PROFILE_FIXTURES = path.resolve(__dirname, '..', '..', '..', 'fixtures', 'profiles');

export function fixture(rel: string): Buffer {
  return fs.readFileSync(path.join(PROFILE_FIXTURES, rel));
}

/** Imports a fixture and fails the test with the importer's message if it does not import. */
export function importFixture(rel: string): ImportedProfile {
  const r = importProfile(fixture(rel), path.basename(rel));
  if (!r.ok) throw new Error(`${rel}: ${r.error.message}`);
  return r.value;
}

export function fn(p: Profile, name: string): FunctionStats {
  const matches = p.functions.filter((f) => f.name === name);
  if (matches.length !== 1) throw new Error(`expected one function ${name}, found ${matches.length}`);
  return matches[0]!;
}

/** Self weight by name (time when the profile has it, else samples), for compact assertions. */
export function selfByName(p: Profile): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of p.functions) out[f.name] = (out[f.name] ?? 0) + (f.selfMs ?? f.selfSamples ?? 0);
  return out;
}
