import * as assert from 'node:assert/strict';
import { runCli } from '../../../src/cli/main';
import { terminalText } from '../../../src/cli/io';
import type { HostileService } from '../../helpers/hostile/index';
import { startHostileService } from '../../helpers/hostile/index';
import { capture } from './liveHelpers';

const ESC = '\x1b';
const BEL = '\x07';
/** watch's own redraw sequence (cursor home, clear screen): the only escape PerfLens itself prints. */
const REDRAW = '\x1b[H\x1b[2J';

describe('cli: control characters from a service are escaped in human output', function () {
  this.timeout(30_000);
  let hostile: HostileService;
  beforeEach(async () => {
    hostile = await startHostileService();
  });
  afterEach(() => hostile.stop());

  it('report shows escape sequences in label values as visible \\u escapes, never raw', async () => {
    const io = capture();
    const code = await runCli(
      [
        'report',
        '--url',
        hostile.url,
        '--metrics-path',
        '/metrics-escapes',
        '--interval',
        '300ms',
        '--duration',
        '1200ms',
      ],
      io,
    );
    assert.equal(code, 0, io.stderr);
    assert.ok(!io.stdout.includes(ESC) && !io.stdout.includes(BEL), JSON.stringify(io.stdout));
    assert.ok(io.stdout.includes('/a\\u001b]0;pwned\\u0007'), io.stdout);
    assert.ok(io.stdout.includes('/b\\u001b[2J'), io.stdout);
  });

  it('watch, redrawing a terminal, prints only its own redraw sequence raw', async () => {
    const io = capture();
    io.isTTY = true;
    const code = await runCli(
      [
        'watch',
        '--url',
        hostile.url,
        '--metrics-path',
        '/metrics-escapes',
        '--interval',
        '300ms',
        '--duration',
        '1200ms',
      ],
      io,
    );
    assert.equal(code, 0, io.stderr);
    const screens = io.stdout.split(REDRAW).join('');
    assert.ok(io.stdout.includes(REDRAW), 'the live table redraws');
    assert.ok(!screens.includes(ESC) && !screens.includes(BEL), JSON.stringify(screens));
    assert.ok(screens.includes('/a\\u001b]0;pwned\\u0007'), screens);
  });

  it('escapes C0, DEL, C1 and bidirectional controls, keeps newlines and tabs, and leaves JSON valid', () => {
    assert.equal(
      terminalText('a\nb\tc\u0007d\u009be\r\u007f\u202eabc\u2066'),
      'a\nb\tc\\u0007d\\u009be\\u000d\\u007f\\u202eabc\\u2066',
    );
    const json = JSON.stringify({ route: '/x\u009b2J\u202e' });
    assert.deepEqual(JSON.parse(terminalText(json)), { route: '/x\u009b2J\u202e' });
    assert.equal(terminalText(terminalText('\x1b]0;t\x07')), terminalText('\x1b]0;t\x07'));
  });
});
