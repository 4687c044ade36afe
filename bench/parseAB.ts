/**
 * Two parsers side by side in one process, by CPU time: `npx tsx bench/parseAB.ts --base=DIR
 * [--cold] [name filter…]`. DIR is another checkout (say `git worktree add --detach DIR <commit>`
 * with a `node_modules` link); its `parseExposition` and `SeriesCache` are loaded beside this
 * tree's, and both parse the same eight successive scrapes of each corpus file (values moved,
 * test/helpers/scrapeRounds.ts), each through its own series cache (re-scrapes) or, with
 * `--cold`, without one (first scrapes). The two and the anchor (`parse-prometheus-text-format`)
 * alternate in rounds of 200 parses; each figure is the best of 25 rounds, which a shared
 * machine's load disturbs least. Single changes of a few per cent show here and not in the
 * runner's wall-clock medians. `100k` in the filters adds the generated 100k-series scrape.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { parseExposition as ParseExposition, SeriesCache as Cache } from '../src/core/metrics/parser';
import { highCardinalityScrape } from './highCardinalityScrape';
import { movedValues } from '../test/helpers/scrapeRounds';

// The anchor ships no types; it is called as parse(text) → families.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const anchor = require('parse-prometheus-text-format') as (text: string) => unknown[];

interface Tree {
  parseExposition: typeof ParseExposition;
  SeriesCache: new () => Cache;
}

const args = process.argv.slice(2);
const baseArg = args.find((a) => a.startsWith('--base='));
if (baseArg === undefined) {
  console.error('usage: npx tsx bench/parseAB.ts --base=DIR [--cold] [name filter…]');
  process.exit(2);
}
const cold = args.includes('--cold');
const filters = args.filter((a) => !a.startsWith('--'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = (root: string) => require(path.join(root, 'src/core/metrics/parser')) as Tree;
const base = load(path.resolve(baseArg.slice('--base='.length)));
const ours = load(path.join(__dirname, '..'));

const CORPUS = path.join(__dirname, '../test/fixtures/exposition');
const inputs: [string, string][] = fs
  .readdirSync(CORPUS)
  .filter((f) => f.endsWith('.prom') || f.endsWith('.om.txt'))
  .sort()
  .map((f) => [f, fs.readFileSync(path.join(CORPUS, f), 'utf8')]);
if (filters.includes('100k')) inputs.push(['100k', highCardinalityScrape(100_000, 'prometheus').text]);

function cpuPerRun(fn: () => unknown, runs: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < runs; i++) fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / runs;
}

for (const [name, text] of inputs) {
  if (filters.length > 0 && !filters.some((f) => name.includes(f))) continue;
  const strict = name.endsWith('.om.txt');
  const contentType = strict ? 'application/openmetrics-text; version=1.0.0' : 'text/plain; version=0.0.4';
  const texts = Array.from({ length: 8 }, (_, r) => Buffer.from(movedValues(text, r)).toString('utf8'));
  const runner = (tree: Tree) => {
    const seriesCache = cold ? undefined : new tree.SeriesCache();
    let i = 0;
    return () => tree.parseExposition(texts[i++ % 8]!, { contentType, strict, seriesCache });
  };
  let k = 0;
  const fns = [runner(base), runner(ours), () => anchor(texts[k++ % 8]!)];
  const runs = name === '100k' ? 3 : 200;
  for (let w = 0; w < 3; w++) for (const fn of fns) cpuPerRun(fn, runs);
  const best = [Infinity, Infinity, Infinity];
  for (let round = 0; round < 25; round++) fns.forEach((fn, f) => (best[f] = Math.min(best[f]!, cpuPerRun(fn, runs))));
  const [b, o, a] = best as [number, number, number];
  console.log(
    `${name.padEnd(48)} base ${b.toFixed(0)} µs (${(a / b).toFixed(2)}×)  this tree ${o.toFixed(0)} µs (${(a / o).toFixed(2)}×)  ${((o / b - 1) * 100).toFixed(1)} %`,
  );
}
