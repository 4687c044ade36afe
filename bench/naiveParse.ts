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
