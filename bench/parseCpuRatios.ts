/**
 * The parse cases' ratios by CPU time, for a loaded machine: `npx tsx bench/parseCpuRatios.ts
 * [name filter…] [--root=DIR]`. The runner's wall-clock medians (`npm run bench -- parse`)
 * scatter widely when other processes share the cores (the anchor allocates far more, so it
 * suffers more from the load); this script times the same inputs as bench/cases/parse.bench.ts
 * by this process's CPU time (`process.cpuUsage()`), ours and the anchor alternating in short
 * rounds, and prints per scrape the median and the best of the per-round ratios (anchor ÷ ours).
 *
 * `--floor` also times the floors of bench/naiveParse.ts against the anchor: the model made with no
 * checks (naive), the same with no object per sample or label set (columns), and the lines only
 * split into offsets (offsets).
 *
 * `--rescrape` times what a session's second and later scrapes cost: eight successive scrapes of
 * each input (values moved, test/helpers/scrapeRounds.ts), ours parsing each through the series
 * cache of the one before (parserSeriesCache.ts), the anchor the same texts in the same order.
 *
 * `--root=DIR` loads `parseExposition` from another checkout (its src/core/metrics/parser.ts),
 * so an earlier commit can be measured in the same way, e.g. from `git archive <commit> | tar -x`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { parseExposition as ParseExposition } from '../src/core/metrics/parser';
import { highCardinalityScrape } from './highCardinalityScrape';
import { naiveColumnarParse, naiveOffsetScan, naiveParse } from './naiveParse';
import { SeriesCache } from '../src/core/metrics/parserSeriesCache';
import { movedValues } from '../test/helpers/scrapeRounds';

// The anchor ships no types; it is called as parse(text) → families.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const anchor = require('parse-prometheus-text-format') as (text: string) => unknown[];

const args = process.argv.slice(2);
const rootArg = args.find((a) => a.startsWith('--root='));
const filters = args.filter((a) => !a.startsWith('--'));
const withFloor = args.includes('--floor');
const rescrape = args.includes('--rescrape');
const root = rootArg ? path.resolve(rootArg.slice('--root='.length)) : path.join(__dirname, '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseExposition } = require(path.join(root, 'src/core/metrics/parser')) as {
  parseExposition: typeof ParseExposition;
};

const CORPUS = path.join(__dirname, '../test/fixtures/exposition');
const TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const OPENMETRICS = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

interface Input {
  name: string;
  text: string;
  contentType: string;
  strict: boolean;
}

/** Decoded from bytes into one flat string, as a scrape hands it over. */
const received = (text: string) => Buffer.from(text).toString('utf8');

const inputs: Input[] = fs
  .readdirSync(CORPUS)
  .filter((f) => f.endsWith('.prom') || f.endsWith('.om.txt'))
  .sort()
  .map((f) => {
    const strict = f.endsWith('.om.txt');
    const text = received(fs.readFileSync(path.join(CORPUS, f), 'utf8'));
    return { name: f + (strict ? ' (strict)' : ''), text, contentType: strict ? OPENMETRICS : TEXT, strict };
  });
inputs.push(
  {
    name: '100k-series (Prometheus text)',
    text: received(highCardinalityScrape(100_000, 'prometheus').text),
    contentType: TEXT,
    strict: false,
  },
  {
    name: '100k-series (OpenMetrics, strict)',
    text: received(highCardinalityScrape(100_000, 'openmetrics').text),
    contentType: OPENMETRICS,
    strict: true,
  },
);

/** CPU milliseconds per call, calling `f` for about `ms` of wall time. */
function cpuPerCall(f: () => unknown, ms: number): number {
  let calls = 0;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  do {
    f();
    calls++;
  } while (performance.now() - t0 < ms);
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000 / calls;
}

for (const input of inputs) {
  if (filters.length > 0 && !filters.some((f) => input.name.includes(f))) continue;
  const big = input.text.length > 1_000_000;
  let ours = () => parseExposition(input.text, { contentType: input.contentType, strict: input.strict });
  let theirs = () => anchor(input.text);
  if (rescrape) {
    // Successive scrapes (values moved), ours through the series cache of the one before.
    const texts = Array.from({ length: 8 }, (_, r) => received(movedValues(input.text, r)));
    const seriesCache = new SeriesCache();
    let next = 0;
    let nextAnchor = 0;
    ours = () =>
      parseExposition(texts[next++ % 8]!, { contentType: input.contentType, strict: input.strict, seriesCache });
    theirs = () => anchor(texts[nextAnchor++ % 8]!);
  }
  cpuPerCall(ours, big ? 1500 : 300);
  cpuPerCall(theirs, big ? 1500 : 300);
  const ratios: number[] = [];
  let best = Infinity;
  for (let round = 0; round < (big ? 5 : 15); round++) {
    const o = cpuPerCall(ours, big ? 500 : 50);
    const a = cpuPerCall(theirs, big ? 500 : 50);
    ratios.push(a / o);
    best = Math.min(best, o);
  }
  ratios.sort((x, y) => x - y);
  const median = ratios[ratios.length >> 1]!;
  console.log(
    `${input.name.padEnd(52)} ${median.toFixed(2)}× median, ${ratios[ratios.length - 1]!.toFixed(2)}× best round, ours ${best.toFixed(3)} ms CPU` +
      (withFloor ? floorRatio(input, theirs, big) : ''),
  );
}

/** `--floor`: the anchor's time over each floor's (bench/naiveParse.ts), the same way. */
function floorRatio(input: Input, theirs: () => unknown, big: boolean): string {
  const offsets = new Int32Array(3 * 1024 * 1024);
  const floors: [string, () => unknown][] = [
    ['naive', () => naiveParse(input.text)],
    ['columns', () => naiveColumnarParse(input.text)],
    ['offsets', () => naiveOffsetScan(input.text, offsets)],
  ];
  return floors
    .map(([label, floor]) => {
      cpuPerCall(floor, big ? 1500 : 300);
      const ratios: number[] = [];
      for (let round = 0; round < (big ? 5 : 15); round++) {
        const f = cpuPerCall(floor, big ? 500 : 50);
        ratios.push(cpuPerCall(theirs, big ? 500 : 50) / f);
      }
      ratios.sort((x, y) => x - y);
      return `; ${label} floor ${ratios[ratios.length >> 1]!.toFixed(2)}×`;
    })
    .join('');
}
