/**
 * The least a parser can do and still hand over the same model: families from `# HELP`/`# TYPE`
 * lines, and for each sample line its name, a label object and a number. It assumes every line
 * is well formed (single spaces, no escapes, no quoted names, no timestamps or exemplars), checks
 * nothing, merges nothing and routes each sample to the family of the last metadata line. It is
 * not a parser to use: it is the measure of how much of the anchor's time the model itself costs
 * (`npx tsx bench/parseCpuRatios.ts --floor`), so a ratio target can be read against what even
 * this gets. On bodies it does not cover it gives wrong results, never an error.
 */

interface NaiveFamily {
  name: string;
  type: string;
  help: string | undefined;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

const HASH = 35;
const SPACE = 32;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const COMMA = 44;
const UPPER_H = 72;

export function naiveParse(text: string): NaiveFamily[] {
  const byName = new Map<string, NaiveFamily>();
  const families: NaiveFamily[] = [];
  let current: NaiveFamily | undefined;
  const familyNamed = (name: string): NaiveFamily => {
    let f = byName.get(name);
    if (f === undefined) {
      f = { name, type: 'untyped', help: undefined, samples: [] };
      byName.set(name, f);
      families.push(f);
    }
    return f;
  };
  for (let pos = 0; pos < text.length;) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    if (text.charCodeAt(pos) === HASH) {
      // "# HELP name text" or "# TYPE name type": the name starts 7 characters in.
      const gap = text.indexOf(' ', pos + 7);
      if (gap > 0 && gap < end) {
        current = familyNamed(text.slice(pos + 7, gap));
        if (text.charCodeAt(pos + 2) === UPPER_H) current.help = text.slice(gap + 1, end);
        else current.type = text.slice(gap + 1, end);
      }
    } else if (end > pos) {
      let i = pos;
      while (i < end) {
        const c = text.charCodeAt(i);
        if (c === OPEN_BRACE || c === SPACE) break;
        i++;
      }
      const name = text.slice(pos, i);
      const labels: Record<string, string> = {};
      if (text.charCodeAt(i) === OPEN_BRACE) {
        i++;
        while (i < end && text.charCodeAt(i) !== CLOSE_BRACE) {
          const equals = text.indexOf('=', i);
          const quote = text.indexOf('"', equals + 2);
          labels[text.slice(i, equals)] = text.slice(equals + 2, quote);
          i = quote + 1;
          if (text.charCodeAt(i) === COMMA) i++;
        }
        i++;
      }
      (current ??= familyNamed(name)).samples.push({ name, labels, value: +text.slice(i + 1, end) });
    }
    pos = end + 1;
  }
  return families;
}

/** A family in a model with no object per sample: its samples' names, labels and values in columns. */
interface ColumnarFamily {
  name: string;
  type: string;
  help: string | undefined;
  /** Per sample: its name, where its labels start in `labels`, its value. */
  names: string[];
  labelStarts: number[];
  /** Label names and values, alternating, every sample's one after the other. */
  labels: string[];
  values: number[];
}

/**
 * naiveParse with no object per sample or label set: the same lines read the same way, each
 * sample's name, label strings and value pushed into its family's columns. The floor for a
 * result model that keeps strings but no per-sample objects. Its loop is naiveParse's written out
 * again on purpose: shared through a callback per sample, the floors would time the call too.
 */
export function naiveColumnarParse(text: string): ColumnarFamily[] {
  const byName = new Map<string, ColumnarFamily>();
  const families: ColumnarFamily[] = [];
  let current: ColumnarFamily | undefined;
  const familyNamed = (name: string): ColumnarFamily => {
    let f = byName.get(name);
    if (f === undefined) {
      f = { name, type: 'untyped', help: undefined, names: [], labelStarts: [], labels: [], values: [] };
      byName.set(name, f);
      families.push(f);
    }
    return f;
  };
  for (let pos = 0; pos < text.length;) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    if (text.charCodeAt(pos) === HASH) {
      const gap = text.indexOf(' ', pos + 7);
      if (gap > 0 && gap < end) {
        current = familyNamed(text.slice(pos + 7, gap));
        if (text.charCodeAt(pos + 2) === UPPER_H) current.help = text.slice(gap + 1, end);
        else current.type = text.slice(gap + 1, end);
      }
    } else if (end > pos) {
      let i = pos;
      while (i < end) {
        const c = text.charCodeAt(i);
        if (c === OPEN_BRACE || c === SPACE) break;
        i++;
      }
      const name = text.slice(pos, i);
      const f = (current ??= familyNamed(name));
      f.names.push(name);
      f.labelStarts.push(f.labels.length);
      if (text.charCodeAt(i) === OPEN_BRACE) {
        i++;
        while (i < end && text.charCodeAt(i) !== CLOSE_BRACE) {
          const equals = text.indexOf('=', i);
          const quote = text.indexOf('"', equals + 2);
          f.labels.push(text.slice(i, equals), text.slice(equals + 2, quote));
          i = quote + 1;
          if (text.charCodeAt(i) === COMMA) i++;
        }
        i++;
      }
      f.values.push(+text.slice(i + 1, end));
    }
    pos = end + 1;
  }
  return families;
}

/**
 * The same lines found and split with nothing made but numbers: each sample's start, label
 * block and value end as offsets into the body, in one typed array. The floor for any parser
 * that hands over the body and where things are in it, and makes strings only when asked.
 */
export function naiveOffsetScan(text: string, out: Int32Array): number {
  let n = 0;
  for (let pos = 0; pos < text.length;) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    if (text.charCodeAt(pos) !== HASH && end > pos) {
      let i = pos;
      while (i < end) {
        const c = text.charCodeAt(i);
        if (c === OPEN_BRACE || c === SPACE) break;
        i++;
      }
      let labelEnd = i;
      if (text.charCodeAt(i) === OPEN_BRACE) {
        i++;
        while (i < end && text.charCodeAt(i) !== CLOSE_BRACE) {
          const quote = text.indexOf('"', text.indexOf('=', i) + 2);
          i = quote + 1;
          if (text.charCodeAt(i) === COMMA) i++;
        }
        labelEnd = ++i;
      }
      if (n + 3 <= out.length) {
        out[n++] = pos;
        out[n++] = labelEnd;
        out[n++] = end;
      }
    }
    pos = end + 1;
  }
  return n;
}
