/**
 * The suite's side of the DOM-check protocol with the launcher (test/integration/run-code-server.mjs).
 *
 * Contributed UI (status bar, webviews) lives in the browser page, which the extension host cannot
 * see. So the suite prints `PERFLENS_CHECK {json}` and waits; the launcher, which drives the page,
 * reads the DOM (polling until `waitForText` shows or its timeout passes), takes a screenshot, and
 * writes what it saw to `$PERFLENS_IT_CHECK_DIR/<id>.json`. The test then asserts on that.
 * A launcher without a page (test-electron) leaves PERFLENS_IT_CHECK_DIR unset: a test that reads
 * the page then fails and says which launcher can run it. Nothing skips.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CHECK_MARKER = 'PERFLENS_CHECK';
export const RESULT_MARKER = 'PERFLENS_RESULT';

export interface DomCheckRequest {
  /** Names the screenshot (test-results/<name>.png). */
  name: string;
  /** 'workbench': the page itself; 'webview': the first frame holding `selector`. */
  scope: 'workbench' | 'webview';
  selector: string;
  /** The launcher polls until the element's text contains this (or the timeout passes). */
  waitForText?: string;
  timeoutMs?: number;
}

export interface DomObservation {
  /** Whether an element matched the selector. */
  found: boolean;
  /** Its textContent (whitespace collapsed) at the end of the wait. */
  text: string;
  /** Any attributes the launcher reads off the element (data-* of the root, the CSP of a webview). */
  details?: Record<string, string>;
  screenshot?: string;
  error?: string;
}

let nextId = 1;

/** Where the launcher answers DOM checks; fails the test when this launcher cannot read the page. */
function checkDir(request: DomCheckRequest): string {
  const dir = process.env.PERFLENS_IT_CHECK_DIR;
  if (dir) return dir;
  throw new Error(
    `DOM check "${request.name}" reads the workbench page, which only the code-server launcher drives (Chromium through ` +
      'playwright): run `npm run test:integration` (it installs code-server and Chromium with `node scripts/setup-integration.mjs`). ' +
      'This launcher set no PERFLENS_IT_CHECK_DIR.',
  );
}

export async function observeDom(request: DomCheckRequest): Promise<DomObservation> {
  const dir = checkDir(request);
  const id = nextId++;
  const timeoutMs = request.timeoutMs ?? 20_000;
  console.log(`${CHECK_MARKER} ${JSON.stringify({ id, ...request, timeoutMs })}`);
  const file = join(dir, `${id}.json`);
  // The launcher answers within its own timeout; allow it time for the screenshot on top.
  const deadline = Date.now() + timeoutMs + 30_000;
  while (Date.now() < deadline) {
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DomObservation;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `The launcher did not answer DOM check "${request.name}" within ${Math.round((timeoutMs + 30_000) / 1000)} s`,
  );
}

export function reportResult(stats: { passes: number; failures: number; pending: number }): void {
  console.log(`${RESULT_MARKER} ${JSON.stringify(stats)}`);
}
