import * as vscode from 'vscode';
import { formatAge, formatBytes, formatMs, formatPercent, formatRate, formatShare } from '../../shared/format';
import { COMMANDS, VIEWS } from '../constants';
import type { LiveMonitor, TargetState } from '../live/liveMonitor';
import { failingChecks, LEVEL_LABEL } from '../live/targetHealth';
import { serviceTotals } from '../panels/prometheusRows';
import type { ExtensionServices } from '../services';
import { headlineOf } from '../statusBar/statusBarModel';
import { targetId } from '../targets/targetRegistry';
import type { Node } from './treeItems';
import { leaf, levelIcon, NodeTreeProvider, parent, severityIcon } from './treeItems';

function numbers(t: TargetState): Node[] {
  const s = t.latest;
  if (!s) return [{ item: leaf(t.collecting ? 'Collecting the first sample…' : 'Not collecting (monitoring is off)') }];
  const totals = serviceTotals(s);
  const rows: [string, string][] = [
    ['p95', formatMs(s.http?.p95Ms)],
    ['p99', formatMs(s.http?.p99Ms)],
    ['requests', formatRate(s.http?.requestRate)],
    ['errors', formatShare(s.http?.errorRate, 2)],
    ['CPU', formatPercent(totals.cpuPercent ?? s.system?.cpuPercent)],
    ['memory', formatBytes(totals.rssBytes)],
  ];
  // A service read through a Prometheus server: its instances first, the service's totals after.
  // What is wrong comes first: failing checks and reasons, then instances, then the numbers.
  const out: Node[] = [];
  for (const c of failingChecks(s))
    out.push({
      item: leaf(c.name, {
        description: `${c.status}${c.detail ? `: ${c.detail}` : ''}`,
        icon: levelIcon(c.status === 'down' ? 'down' : 'degraded'),
      }),
    });
  if (t.health.level !== 'healthy')
    for (const r of t.health.reasons.slice(0, 3)) out.push({ item: leaf(r, { icon: new vscode.ThemeIcon('info') }) });
  if (s.instances) out.push(instancesNode(s.instances));
  out.push(...rows.map(([k, v]) => ({ item: leaf(k, { description: v }) })));
  return out;
}

/** A Prometheus-server target's instances, each with its own numbers (names are the server's, as text). */
function instancesNode(instances: NonNullable<NonNullable<TargetState['latest']>['instances']>): Node {
  const up = instances.filter((i) => i.up).length;
  const item = new vscode.TreeItem('instances');
  item.description = `${up} of ${instances.length} up`;
  item.iconPath = new vscode.ThemeIcon('server-environment');
  return parent(
    item,
    () =>
      [...instances]
        .sort((a, b) => a.instance.localeCompare(b.instance))
        .map((i) => {
          const parts = [
            i.up ? 'up' : 'down',
            formatRate(i.requestRate, 'req'),
            `errors ${formatShare(i.errorRate, 2)}`,
            `p95 ${formatMs(i.p95Ms)}`,
          ];
          if (i.cpuPercent !== undefined) parts.push(`CPU ${formatPercent(i.cpuPercent)}`);
          if (i.rssBytes !== undefined) parts.push(formatBytes(i.rssBytes));
          return {
            item: leaf(i.instance, { description: parts.join(' · '), icon: levelIcon(i.up ? 'healthy' : 'down') }),
          };
        }),
    instances.length <= 4,
  );
}

function servicesRoots(services: Pick<ExtensionServices, 'registry' | 'monitor' | 'settings'>): Node[] {
  const { registry, monitor } = services;
  const headline = services.settings().statusBarHeadline;
  const attached = registry.attached.map((t) => {
    const id = targetId(t.spec);
    const state = monitor.target(id);
    const level = state?.health.level ?? 'unknown';
    const item = new vscode.TreeItem(t.label);
    // One target, or a target in trouble, shows its numbers and failing checks; healthy targets
    // among several stay collapsed so every target fits on screen (the description has the
    // headline). The tree keeps an item's expansion by id, so the id carries the default.
    const expanded =
      registry.attached.length <= 1 || level === 'degraded' || level === 'down' || level === 'no-verdict';
    item.id = `target:${id}${expanded ? '' : ':collapsed'}`;
    const number = state ? headlineOf(state, headline) : undefined;
    item.description = `${LEVEL_LABEL[level]}${number ? ` · ${number}` : ''}`;
    item.iconPath = levelIcon(level);
    item.tooltip = `${id}\n${LEVEL_LABEL[level]}${state?.health.reasons.length ? `\n${state.health.reasons.join('\n')}` : ''}`;
    item.contextValue = 'perflens.target.attached';
    item.command = { command: COMMANDS.showDashboard, title: 'Show Dashboard', arguments: [id] };
    // Tree items are passed to inline actions: they carry the target id.
    return parent(Object.assign(item, { targetId: id }), () => (state ? numbers(state) : []), expanded);
  });
  const attachedInputs = new Set(registry.attached.map((t) => t.input));
  const recent = registry.recent
    .filter((r) => !attachedInputs.has(r))
    .map((input) => {
      const item = leaf(input, {
        description: 'not attached',
        icon: new vscode.ThemeIcon('debug-disconnect'),
        contextValue: 'perflens.target.recent',
      });
      item.id = `recent:${input}`;
      return { item: Object.assign(item, { targetInput: input }) };
    });
  return registry.attached.length === 0 ? [] : [...attached, ...recent];
}

function alertsRoots(monitor: LiveMonitor): Node[] {
  const active = monitor.targets().flatMap((t) =>
    t.alerts.map((a) => ({
      item: leaf(a.name, {
        description: `${a.state} · ${t.label} · since ${formatAge(a.activeAt, Date.now())}`,
        icon: a.state === 'firing' ? severityIcon('critical') : new vscode.ThemeIcon('watch'),
        tooltip: `${a.name} (${a.state}) on ${t.label}: value ${a.value}`,
        command: { command: COMMANDS.showDashboard, title: 'Show Dashboard', arguments: [t.id] },
      }),
    })),
  );
  const history = monitor.alertHistory(undefined, 20);
  if (active.length === 0 && history.length === 0) return [];
  const historyNode = parent(new vscode.TreeItem('History'), () =>
    history.map((e) => ({
      item: leaf(e.message, {
        description: `${e.type} · ${formatAge(e.at, Date.now())}`,
        icon: e.type === 'firing' ? severityIcon(e.severity) : new vscode.ThemeIcon('pass'),
      }),
    })),
  );
  return [...active, ...(history.length ? [historyNode] : [])];
}

function findingNode(f: TargetState['findings'][number], target: TargetState, several: boolean): Node {
  const item = new vscode.TreeItem(f.title);
  item.iconPath = severityIcon(f.severity);
  item.description = several ? `${f.analyzer} · ${target.label}` : f.analyzer;
  item.tooltip = `${f.title}\n\n${f.evidence.text}\n\nRecommendation: ${f.recommendation}`;
  // A leak finding offers the step after it: which allocation sites grow.
  const grows: Node[] =
    f.analyzer === 'leak'
      ? [
          {
            item: leaf('Find What Grows', {
              icon: new vscode.ThemeIcon('search'),
              tooltip: 'Take two heap samples a few seconds apart and show the allocation sites that grew, at the code',
              command: {
                command: COMMANDS.findWhatGrows,
                title: 'Find What Grows',
                arguments: [{ target: target.id }],
              },
            }),
          },
        ]
      : [];
  return parent(item, () => [
    { item: leaf(f.evidence.text, { icon: new vscode.ThemeIcon('graph'), tooltip: f.evidence.text }) },
    { item: leaf(f.recommendation, { icon: new vscode.ThemeIcon('lightbulb'), tooltip: f.recommendation }) },
    ...grows,
  ]);
}

/** The Findings view's roots: one node per finding, its evidence, recommendation and next step as children. */
export function findingsRoots(monitor: LiveMonitor): Node[] {
  const targets = monitor.targets();
  const several = targets.length > 1;
  return targets.flatMap((t) => t.findings.map((f) => findingNode(f, t, several)));
}

/** The PerfLens activity-bar views: Services, Alerts, Findings. Empty views show their welcome text. */
export function registerViews(
  services: Pick<ExtensionServices, 'registry' | 'monitor' | 'settings' | 'snooze'>,
): vscode.Disposable[] {
  const { monitor, registry } = services;
  const events = [
    (l: () => void) => monitor.onDidUpdate(l),
    (l: () => void) => monitor.onDidChangeTargets(l),
    (l: () => void) => registry.onDidChange(l),
  ];
  const providers = [
    [VIEWS.services, new NodeTreeProvider(() => servicesRoots(services), events)],
    [VIEWS.alerts, new NodeTreeProvider(() => alertsRoots(monitor), [...events, (l) => monitor.onAlert(l)])],
    [VIEWS.findings, new NodeTreeProvider(() => findingsRoots(monitor), events)],
  ] as const;
  const disposables: vscode.Disposable[] = [];
  for (const [id, p] of providers) {
    const view = vscode.window.createTreeView(id, { treeDataProvider: p, showCollapseAll: id !== VIEWS.services });
    disposables.push(p, view);
    if (id === VIEWS.alerts) {
      // The Alerts view's title says when notifications are snoozed, and until when.
      const describe = (until: number | undefined) =>
        (view.description = until ? `notifications snoozed until ${new Date(until).toLocaleTimeString()}` : undefined);
      describe(services.snooze.until);
      disposables.push(services.snooze.onDidChange(describe));
    }
  }
  return disposables;
}
