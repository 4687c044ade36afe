/**
 * A history writer in its own process, for the two-writer test: opens the store on argv[2], says
 * "opened", waits for "go" on stdin, then records argv[4] samples into a shared series and its own,
 * saving every 10 samples and closing at the end. The samples are at base - (2i + slot) seconds
 * (argv[5] base, argv[6] slot), so two writers never share a timestamp.
 */
import * as readline from 'node:readline';
import { openHistoryStore } from '../../../../src/core/store';

async function main(): Promise<void> {
  const [file, name, countText, baseText, slotText] = process.argv.slice(2);
  const count = Number(countText);
  const base = Number(baseText);
  const slot = Number(slotText);
  const opened = await openHistoryStore({ file: file!, persistDebounceMs: 3_600_000 });
  if (!opened.ok) throw new Error(opened.error.message);
  const store = opened.value;
  process.stdout.write('opened\n');
  const lines = readline.createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once('line', () => resolve()));
  lines.close();
  for (let i = 0; i < count; i++) {
    const t = base - (2 * i + slot) * 1000;
    store.recordValue('svc', 'shared', {}, t, 1);
    store.recordValue('svc', `own.${name}`, {}, t, i);
    if (i % 20 === 0)
      store.recordAlertEvent({
        targetId: 'svc',
        time: t,
        rule: `rule.${name}`,
        severity: 'info',
        state: 'firing',
        message: `${name} ${i}`,
      });
    if (i % 10 === 9) {
      const saved = await store.persistNow();
      if (!saved.ok) throw new Error(saved.error.message);
    }
  }
  const closed = await store.close();
  if (!closed.ok) throw new Error(closed.error.message);
  process.stdout.write('done\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
