// The Dashboard page. Everything that came from the service is set with textContent, never HTML.
import type { DashboardToHost, EndpointView, HostToDashboard, TargetView } from './protocol';
import { assertNever } from './protocol';

interface VsCodeApi {
  postMessage(message: DashboardToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`dashboard page is missing #${id}`);
  return el as T;
}

const root = document.querySelector<HTMLElement>('[data-perflens-view="dashboard"]');
const targetEmpty = byId('target-empty');
const targetDetails = byId('target-details');
const targetUrl = byId('target-url');
const targetSince = byId('target-since');
const targetProbed = byId('target-probed');
const endpointsBody = byId<HTMLTableElement>('endpoints').tBodies[0];
const probing = byId('probing');
const errorBox = byId('error');
const attachButton = byId<HTMLButtonElement>('attach');
const reprobeButton = byId<HTMLButtonElement>('reprobe');
const detachButton = byId<HTMLButtonElement>('detach');

function cell(row: HTMLTableRowElement, text: string, className?: string): void {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
}

function renderEndpoint(e: EndpointView): void {
  const row = endpointsBody.insertRow();
  row.dataset.endpoint = e.path;
  const usable = e.reachable && e.status !== undefined && e.status >= 200 && e.status < 300;
  row.dataset.reachable = String(e.reachable);
  row.dataset.usable = String(usable);
  cell(row, e.url);
  cell(row, usable ? 'reachable' : e.reachable ? 'answers with an error' : 'not reachable', usable ? 'ok' : 'bad');
  cell(row, e.status !== undefined ? String(e.status) : '—');
  cell(row, e.contentType ?? '—');
  cell(row, e.latencyMs !== undefined ? `${Math.round(e.latencyMs)} ms` : '—');
  cell(row, e.error ?? '');
}

function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

function renderState(target: TargetView | null, isProbing: boolean): void {
  if (root) root.dataset.state = target ? 'attached' : 'detached';
  errorBox.hidden = true;
  targetEmpty.hidden = target !== null;
  targetDetails.hidden = target === null;
  detachButton.disabled = target === null;
  reprobeButton.disabled = target === null || target.url === undefined || isProbing;
  attachButton.textContent = target ? 'Attach elsewhere…' : 'Attach…';
  probing.hidden = !isProbing;
  endpointsBody.replaceChildren();
  if (!target) return;
  targetUrl.textContent = target.url ?? `process ${target.pid ?? '?'}`;
  targetSince.textContent = formatTime(target.attachedAt);
  targetProbed.textContent = target.probe ? formatTime(target.probe.probedAt) : 'not probed (process targets have no HTTP endpoints yet)';
  if (target.probe) {
    renderEndpoint(target.probe.metrics);
    renderEndpoint(target.probe.health);
  }
}

function receive(message: HostToDashboard): void {
  switch (message.type) {
    case 'state':
      renderState(message.target, message.probing);
      return;
    case 'error':
      errorBox.textContent = message.message;
      errorBox.hidden = false;
      return;
    default:
      assertNever(message);
  }
}

window.addEventListener('message', (event: MessageEvent<HostToDashboard>) => receive(event.data));
attachButton.addEventListener('click', () => vscode.postMessage({ type: 'attach' }));
reprobeButton.addEventListener('click', () => vscode.postMessage({ type: 'reprobe' }));
detachButton.addEventListener('click', () => vscode.postMessage({ type: 'detach' }));
vscode.postMessage({ type: 'ready' });
