/** Hostile routes about where PerfLens connects and what it prints: a lying inspector, escape sequences in labels. */
import type { HostileRoutes } from './index';

/** The address a hostile inspector names as its debugger: not this machine (and not routable). */
export const FOREIGN_DEBUGGER_URL = 'ws://10.255.255.1:9229/6b1f0c3e-hostile';

/** Label values that would retitle the terminal window (OSC 0, ended by BEL) and clear the screen (CSI 2J). */
export const ESCAPE_LABELS = { title: '\x1b]0;pwned\x07', clear: '\x1b[2J' };

let escapeScrapes = 0;

export const netRoutes: HostileRoutes = {
  /** An "inspector" whose target list sends the debugger connection to another host. */
  '/json/list': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(
      JSON.stringify([
        {
          id: '6b1f0c3e-hostile',
          type: 'node',
          title: 'app.js',
          url: 'file:///app.js',
          webSocketDebuggerUrl: FOREIGN_DEBUGGER_URL,
        },
      ]),
    );
  },
  /** Request metrics whose route and method labels carry terminal escape sequences. */
  '/metrics-escapes': (_req, res) => {
    // Counters grow with every scrape, so the routes have rates and show up in reports.
    const n = ++escapeScrapes * 10;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
    res.end(
      [
        '# TYPE http_requests_total counter',
        `http_requests_total{method="GET",route="/a${esc(ESCAPE_LABELS.title)}",status="200"} ${n}`,
        `http_requests_total{method="GET",route="/b${esc(ESCAPE_LABELS.clear)}",status="500"} ${n / 2}`,
        '',
      ].join('\n'),
    );
  },
};
