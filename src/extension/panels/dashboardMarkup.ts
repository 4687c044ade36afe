/** Static page skeleton of the dashboard; the page script fills every value in with textContent. */
import { RANGES } from '../../shared/protocol/dashboard';

const CHARTS: [string, string][] = [
  ['latency', 'Latency p50 / p95 / p99'],
  ['throughput', 'Requests per second'],
  ['errors', 'Error rate'],
  ['cpu', 'CPU'],
  ['memory', 'Memory'],
  ['pool', 'Pool utilisation'],
  ['poolWait', 'Pool acquire wait'],
  ['cache', 'Cache hit rate'],
];

const chartFigures = CHARTS.map(
  ([id, title]) => `<figure class="chart" data-chart="${id}" data-points="0">
            <figcaption>${title}</figcaption>
            <div class="canvas-box"><canvas id="chart-${id}" role="img" aria-label="${title}"></canvas></div>
            <p class="empty" hidden>No data in this range.</p>
          </figure>`,
).join('\n          ');

export const DASHBOARD_BODY = `<main class="dashboard" data-perflens-view="dashboard" data-state="loading">
      <header>
        <h1>PerfLens</h1>
        <div class="toolbar">
          <label>Target <select id="target-select" aria-label="Target"></select></label>
          <span id="level" class="level" data-level="unknown"></span>
          <div class="ranges" role="group" aria-label="Time range">
            <button type="button" class="range" data-range="15m">${RANGES['15m'].label}</button>
            <button type="button" class="range" data-range="1h">${RANGES['1h'].label}</button>
            <button type="button" class="range" data-range="24h">${RANGES['24h'].label}</button>
            <button type="button" class="range" data-range="30d">${RANGES['30d'].label}</button>
          </div>
        </div>
        <div class="actions">
          <button id="attach" type="button">Attach…</button>
          <button id="reprobe" type="button" class="secondary">Probe again</button>
          <button id="export" type="button" class="secondary">Export report</button>
          <button id="detach" type="button" class="secondary">Detach</button>
        </div>
      </header>
      <p id="target-empty">Not attached. Run <strong>PerfLens: Attach to Service…</strong> and give a URL, a port or a process id.</p>
      <ul id="reasons" class="reasons" hidden></ul>
      <section id="summary" class="summary" aria-label="Summary"></section>
      <section id="instances-section" aria-labelledby="instances-heading" hidden>
        <h2 id="instances-heading">Instances</h2>
        <table id="instances">
          <thead><tr>
            <th scope="col">Instance</th><th scope="col">Up</th><th scope="col" class="num">Req/s</th><th scope="col" class="num">Errors</th>
            <th scope="col" class="num">p95</th><th scope="col" class="num">CPU</th><th scope="col" class="num">Memory</th>
          </tr></thead>
          <tbody></tbody>
        </table>
        <p id="instances-empty" class="muted" hidden>The server has no instance matching the selector right now.</p>
      </section>
      <section class="charts" aria-label="Charts">
          ${chartFigures}
      </section>
      <div class="columns">
        <section aria-labelledby="routes-heading">
          <h2 id="routes-heading">Routes</h2>
          <table id="routes" class="sortable">
            <thead><tr>
              <th data-sort="route" scope="col"><button type="button">Route</button></th>
              <th data-sort="requestRate" scope="col" class="num"><button type="button">Rate</button></th>
              <th data-sort="errorRate" scope="col" class="num"><button type="button">Errors</button></th>
              <th data-sort="p95Ms" scope="col" class="num"><button type="button">p95</button></th>
            </tr></thead>
            <tbody></tbody>
          </table>
          <p id="routes-empty" class="muted" hidden>No per-route numbers yet.</p>
        </section>
        <section aria-labelledby="checks-heading">
          <h2 id="checks-heading">Health checks</h2>
          <ul id="checks" class="checks"></ul>
          <p id="checks-empty" class="muted" hidden>The service reports no health checks.</p>
        </section>
      </div>
      <div class="columns">
        <section aria-labelledby="alerts-heading">
          <h2 id="alerts-heading">Alerts</h2>
          <ul id="active-alerts" class="alerts"></ul>
          <p id="alerts-empty" class="muted">No alert is pending or firing.</p>
          <div id="server-alerts-section" hidden>
            <h3>Prometheus server alerts</h3>
            <ul id="server-alerts" class="alerts"></ul>
            <p id="server-alerts-empty" class="muted">The server has no pending or firing alert.</p>
          </div>
          <h3>History</h3>
          <table id="alert-history">
            <thead><tr><th scope="col">Time</th><th scope="col">Event</th><th scope="col">Alert</th><th scope="col">Message</th></tr></thead>
            <tbody></tbody>
          </table>
        </section>
        <section aria-labelledby="forecast-heading">
          <h2 id="forecast-heading">Capacity forecast</h2>
          <figure class="chart forecast" data-chart="forecast" data-points="0">
            <div class="canvas-box"><canvas id="chart-forecast" role="img" aria-label="Capacity forecast"></canvas></div>
            <figcaption id="forecast-text"></figcaption>
          </figure>
        </section>
      </div>
      <section aria-labelledby="findings-heading">
        <h2 id="findings-heading">Findings</h2>
        <div id="findings"></div>
        <p id="findings-empty" class="muted">No findings: nothing the analyzers flag in the last hour.</p>
      </section>
      <section class="endpoints" aria-labelledby="endpoints-heading">
        <h2 id="endpoints-heading">Endpoints</h2>
        <dl id="target-details" hidden>
          <dt>URL</dt><dd><code id="target-url"></code></dd>
          <dt>Attached</dt><dd id="target-since"></dd>
          <dt>Last probe</dt><dd id="target-probed"></dd>
        </dl>
        <table id="endpoints">
          <thead><tr><th scope="col">Endpoint</th><th scope="col">Reachable</th><th scope="col">Status</th><th scope="col">Content type</th><th scope="col">Latency</th><th scope="col">Detail</th></tr></thead>
          <tbody></tbody>
        </table>
        <p id="probing" hidden>Probing…</p>
        <ul id="problems" class="problems"></ul>
      </section>
      <p id="error" class="error" role="alert" hidden></p>
      <footer id="footer" class="muted"></footer>
    </main>`;
