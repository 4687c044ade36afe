/**
 * Hostile routes about health endpoints: answers that look like a health check but say nothing
 * about health (a redirect to a login, an HTML page, an exporter's landing page), and failures
 * spelled in words rather than status codes.
 */
import type { HostileHandler, HostileRoutes } from './index';

function answer(
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): HostileHandler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': contentType, ...headers });
    res.end(body);
  };
}

const LOGIN_PAGE = `<!DOCTYPE html>
<html><head><title>Sign in · Acme Admin</title></head>
<body><form method="post" action="/login"><h1>Sign in</h1>
<label>User <input name="user"></label><label>Password <input type="password" name="password"></label>
<button>OK</button></form></body></html>
`;

// The page node_exporter serves on every path it has no handler for.
const NODE_EXPORTER_LANDING = `<html>
  <head><title>Node Exporter</title></head>
  <body>
    <h1>Node Exporter</h1>
    <p>Prometheus Node Exporter</p>
    <div>Version: (version=1.5.0, branch=debian/sid, revision=1.5.0-1)</div>
    <ul><li><a href="metrics">Metrics</a></li></ul>
  </body>
</html>
`;

export const healthRoutes: HostileRoutes = {
  /** A redirect to a login page on the same host. */
  '/health-302': answer(302, 'text/plain', 'Found. Redirecting to /login', { location: '/login?next=%2Fhealth' }),
  /** A redirect to another host (a single sign-on service). */
  '/health-302-offsite': answer(302, 'text/html', '<a href="https://sso.example.com/authorize">Moved</a>', {
    location: 'https://sso.example.com/authorize?next=/health',
  }),
  /** 200 with an HTML login form (its button says OK). */
  '/health-html-login': answer(200, 'text/html; charset=utf-8', LOGIN_PAGE),
  /** 200 with node_exporter's landing page. */
  '/health-node-exporter-landing': answer(200, 'text/html; charset=UTF-8', NODE_EXPORTER_LANDING),
  /** 200 with a failure spelled out in plain text. */
  '/health-unavailable-text': answer(
    200,
    'text/plain; charset=utf-8',
    'Service Unavailable - database connection failed\n',
  ),
  /** 200 with Spring Boot Actuator's JSON for a service that is down. */
  '/health-json-down': answer(
    200,
    'application/vnd.spring-boot.actuator.v3+json',
    '{"status":"DOWN","components":{"db":{"status":"DOWN","details":{"error":"Connection refused"}},"ping":{"status":"UP"}}}',
  ),
  /** 200 with the IETF health-check draft's "fail". */
  '/health-json-fail': answer(200, 'application/health+json', '{"status":"fail","output":"database unreachable"}'),
  /** 200 with a status spelled as a sentence. */
  '/health-json-status-sentence': answer(200, 'application/json', '{"status":"Service Unavailable"}'),
  /** 200 with JSON that has counters but no status at all. */
  '/health-json-no-status': answer(200, 'application/json', '{"uptime":1234,"errors":0,"version":"1.2.3"}'),
  /** 200 with a healthy status beside a counter named "errors" (a key, not a verdict). */
  '/health-json-ok-errors-zero': answer(200, 'application/json', '{"status":"ok","errors":0,"failures":[]}'),
  /** 200 with a plain-text sentence that is a verdict (Prometheus's own /-/healthy says this). */
  '/health-text-sentence': answer(200, 'text/plain; charset=utf-8', 'Prometheus Server is Healthy.\n'),
  /** 200 with text that is no verdict at all. */
  '/health-text-no-verdict': answer(200, 'text/plain', 'Welcome to the Acme API v1.2.3\n'),
};
