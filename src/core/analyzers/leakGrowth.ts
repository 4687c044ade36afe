/**
 * Ties "memory grows" to "what grows": the allocation sites a heap diff found growing become part
 * of the leak findings' evidence, so the finding names the code as well as the trend.
 */
import type { HeapDiff } from '../profiler/heapDiff';
import type { Finding } from './types';
import { formatBytes, formatSpan, plural } from '../../shared/format';
import * as path from 'node:path';

/** The growth measured for one target, and when. */
export interface GrowthEvidence {
  /** Epoch ms of the second sample. */
  at: number;
  /** Time between the two heap samples. */
  windowMs: number;
  diff: HeapDiff;
}

function amount(v: number, unit: HeapDiff['unit']): string {
  return unit === 'bytes' ? formatBytes(v) : plural(Math.round(v), 'object');
}

/** "remember (leak.ts:19) +12.3 MB" */
export function siteText(s: HeapDiff['growing'][number], unit: HeapDiff['unit']): string {
  const where = s.file ? ` (${path.basename(s.file)}${s.line > 0 ? `:${s.line}` : ''})` : '';
  return `${s.name}${where} +${amount(s.growth, unit)}`;
}

/**
 * Leak findings with the growing sites added to their evidence (the top three in the text, the
 * first in the numbers); other findings, and every finding when there is no growth, as they are.
 */
export function withGrowthEvidence(findings: Finding[], growth: GrowthEvidence | undefined): Finding[] {
  if (!growth) return findings;
  const { diff } = growth;
  const top = diff.growing.slice(0, 3);
  const span = formatSpan(growth.windowMs);
  const sentence =
    top.length > 0
      ? ` What grows (two heap samples ${span} apart, ${diff.sampleType}): ${top.map((s) => siteText(s, diff.unit)).join('; ')}.`
      : ` No allocation site grew by ${amount(diff.threshold, diff.unit)} or more between two heap samples ${span} apart.`;
  return findings.map((f) => {
    if (f.analyzer !== 'leak') return f;
    const numbers: Record<string, number | string> = {
      ...f.evidence.numbers,
      growingSites: diff.growing.length,
      growthWindowMs: growth.windowMs,
    };
    if (top[0]) {
      numbers.topGrowingSite = `${top[0].name} ${top[0].file}:${top[0].line}`;
      numbers[diff.unit === 'bytes' ? 'topGrowthBytes' : 'topGrowthObjects'] = Math.round(top[0].growth);
    }
    return { ...f, evidence: { ...f.evidence, numbers, text: f.evidence.text + sentence } };
  });
}
