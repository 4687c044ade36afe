// `npm test`: installs the third-party servers the tests start when they are missing
// (scripts/setup-prometheus.mjs, scripts/setup-real-services.mjs), builds, type-checks, lints and
// checks formatting, then runs the test tiers from fastest to slowest, each timed:
//   unit          in-process, no child processes, no waiting on the wall clock (test/unit, *.test.ts)
//   process       starts processes (demo service, Prometheus, node and python targets, the CLI as a
//                 child) or waits real seconds (test/unit, *.process.test.ts)
//   real-services third-party servers and exporters (test/real)
//   integration   the suite inside a real VS Code (code-server driven by Chromium).
// A failed set-up stops it there; after that, every step runs even when one before it failed. A
// failed step's last lines are printed again at the end, with the names of the failed steps,
// since a log is read from its end.
import { spawn } from 'node:child_process';

/** How many of a step's last output lines are kept, to be shown again at the end if it fails. */
const TAIL_LINES = 160;
const failures = [];

/**
 * Runs one step with its output passed through as it comes, keeping its last lines: a log is
 * usually read from its end, so a failed step's failures are printed again after the last step.
 */
function step(name, cmd, args) {
  const started = Date.now();
  console.log(`\n=== ${name} ===`);
  return new Promise((resolve) => {
    const tail = [];
    const partial = { stdout: '', stderr: '' };
    const add = (lines) => {
      tail.push(...lines);
      if (tail.length > TAIL_LINES) tail.splice(0, tail.length - TAIL_LINES);
    };
    const keep = (stream, chunk) => {
      const lines = (partial[stream] + chunk.toString()).split('\n');
      partial[stream] = lines.pop();
      add(lines);
    };
    const child = spawn(cmd, args, { stdio: ['inherit', 'pipe', 'pipe'], shell: false });
    child.stdout.on('data', (c) => (process.stdout.write(c), keep('stdout', c)));
    child.stderr.on('data', (c) => (process.stderr.write(c), keep('stderr', c)));
    let ended = false;
    const done = (ok, why) => {
      if (ended) return;
      ended = true;
      const unterminated = Object.values(partial).filter(Boolean);
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      // A last line without its newline would run into this one.
      console.log(`${unterminated.length ? '\n' : ''}=== ${name}: ${ok ? 'ok' : 'FAILED'} in ${secs} s ===`);
      if (!ok) {
        add(unterminated);
        failures.push({ name, why, tail });
      }
      resolve(ok);
    };
    child.once('error', (e) => done(false, `could not start ${cmd}: ${e.message}`));
    child.once('close', (code, signal) =>
      done(code === 0, code === null ? `killed by ${signal}` : `exit code ${code}`),
    );
  });
}

/** Prints each failed step's name and last lines again, then exits non-zero if any failed. */
function finish() {
  for (const f of failures) {
    console.log(`\n=== FAILED: ${f.name} (${f.why}); its last ${f.tail.length} lines again ===`);
    console.log(f.tail.join('\n'));
  }
  if (failures.length) console.log(`\n=== failed: ${failures.map((f) => f.name).join(', ')} ===`);
  process.exit(failures.length ? 1 : 0);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// The real servers the tests start (Prometheus, node_exporter, a Python prometheus_client service,
// redis and its exporter) are Debian packages: installed here when missing, idempotent otherwise.
await step('set-up: Prometheus', process.execPath, ['scripts/setup-prometheus.mjs']);
await step('set-up: real services', process.execPath, ['scripts/setup-real-services.mjs']);
if (failures.length) finish();
await step('build', npm, ['run', '-s', 'build']);
// Static checks: both TypeScript configurations, lint (which enforces the layer boundaries) and
// the formatter. A failure here names the file and line; `npm run format` fixes formatting.
await step('type-check', npm, ['run', '-s', 'typecheck']);
await step('lint', npm, ['run', '-s', 'lint']);
await step('format check', npm, ['run', '-s', 'format:check']);
await step('unit tests', npm, ['run', '-s', 'test:unit']);
await step('process tests', npm, ['run', '-s', 'test:process']);
await step('real-services tests', npm, ['run', '-s', 'test:real']);
await step('integration tests (real VS Code)', npm, ['run', '-s', 'test:integration']);
finish();
