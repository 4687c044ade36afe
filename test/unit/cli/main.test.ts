import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { capture } from './liveHelpers';

describe('cli: perflens (command dispatch)', () => {
  it('a group without its subcommand names the subcommands', async () => {
    const io = capture();
    assert.equal(await runCli(['profile'], io), 2);
    assert.equal(
      io.stderr,
      'perflens: profile needs a subcommand: summarize, record, diff. Run perflens profile summarize --help for its options.\n',
    );
  });

  it('a misspelt subcommand or command says what exists, with the perflens: prefix every error has', async () => {
    const sub = capture();
    assert.equal(await runCli(['profile', 'summarise', 'x.cpuprofile'], sub), 2);
    assert.equal(sub.stderr, 'perflens: Unknown command "profile summarise". profile has: summarize, record, diff.\n');
    const top = capture();
    assert.equal(await runCli(['analyse', '--url', '3000'], top), 2);
    assert.match(
      top.stderr,
      /^perflens: Unknown command "analyse"\. Commands: .*\banalyze\b.*\(perflens --help describes each\)\.$/m,
    );
  });

  it('--help after a group prints the command list (exit 0)', async () => {
    const io = capture();
    assert.equal(await runCli(['profile', '--help'], io), 0);
    assert.match(io.stdout, /^ {2}profile record {2,}Record a CPU profile/m);
  });

  it('a failure no check foresaw names the command that failed and how to report it, never "unexpected error"', async () => {
    // A terminal that refuses output is a real failure no command checks for.
    const io = capture();
    io.out = () => {
      throw new Error('write EIO');
    };
    const file = path.join(__dirname, '..', '..', 'fixtures', 'profiles', 'pprof', 'simple.prof');
    assert.equal(await runCli(['profile', 'summarize', file], io), 2);
    assert.doesNotMatch(io.stderr, /unexpected error/i);
    assert.match(io.stderr, /^perflens profile summarize failed: write EIO\n/);
    assert.match(
      io.stderr,
      /This is a fault in PerfLens .*Please report it .* with the command line you ran, this message/,
    );
  });
});
