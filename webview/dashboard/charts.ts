/**
 * The dashboard's charts: Chart.js, bundled (never fetched), with a linear time axis in epoch ms,
 * parsing off and LTTB decimation so a 30-day range of points stays smooth; no animation, so a
 * render is one synchronous draw.
 */
import type { ChartDataset, ChartOptions } from 'chart.js';
import {
  Chart,
  Decimation,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { withAlpha } from '../shared/color';
import type { ChartTheme } from '../shared/theme';
import { roundTimeTicks, tickStep } from './chartAxes';
import { formatValue } from '../../src/shared/format';
import type { ChartView, ForecastView, Unit } from '../../src/shared/protocol/dashboard';

Chart.register(LineController, LineElement, PointElement, LinearScale, Filler, Tooltip, Legend, Decimation);

function timeLabel(ms: number, spanMs: number): string {
  const d = new Date(ms);
  if (spanMs > 2 * 86_400_000) return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return d.toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    ...(spanMs <= 3_600_000 ? { second: '2-digit' } : {}),
  });
}

type LineChart = Chart<'line', { x: number; y: number }[]>;

function baseOptions(
  theme: ChartTheme,
  unit: Unit | string,
  range: { from: number; to: number },
): ChartOptions<'line'> {
  const span = range.to - range.from;
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    parsing: false,
    normalized: true,
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    elements: { point: { radius: 0, hoverRadius: 3 }, line: { borderWidth: 1.5, tension: 0 } },
    scales: {
      x: {
        type: 'linear',
        min: range.from,
        max: range.to,
        // Ticks on round times (multiples of the step), not on the range's ragged ends.
        afterBuildTicks: (axis) => {
          axis.ticks = roundTimeTicks(axis.min, axis.max, tickStep(span));
        },
        ticks: { color: theme.muted, autoSkip: false, maxRotation: 0, callback: (v) => timeLabel(Number(v), span) },
        grid: { color: withAlpha(theme.grid, 0.4) },
      },
      y: {
        beginAtZero: true,
        ticks: { color: theme.muted, maxTicksLimit: 5, callback: (v) => formatValue(unit, Number(v)) },
        grid: { color: withAlpha(theme.grid, 0.4) },
      },
    },
    plugins: {
      decimation: { enabled: true, algorithm: 'lttb', samples: 400, threshold: 400 },
      legend: { display: true, position: 'bottom', labels: { color: theme.foreground, boxWidth: 10, boxHeight: 2 } },
      tooltip: {
        callbacks: {
          title: (items) => (items[0] ? new Date(items[0].parsed.x ?? 0).toLocaleString() : ''),
          label: (item) => `${item.dataset.label ?? ''}: ${formatValue(unit, item.parsed.y ?? 0)}`,
        },
      },
    },
  };
}

function datasets(view: ChartView, theme: ChartTheme): ChartDataset<'line', { x: number; y: number }[]>[] {
  return view.series.map((s, i) => {
    const color = view.id === 'errors' ? theme.error : theme.palette[i % theme.palette.length]!;
    // Decimation replaces `data` with its own array; keep a copy so updates start from the full series.
    // A series of one or two points has no line to speak of: show its points.
    return {
      label: s.label,
      data: s.points.slice(),
      borderColor: color,
      backgroundColor: withAlpha(color, 0.2),
      indexAxis: 'x' as const,
      pointRadius: s.points.length < 3 ? 3 : 0,
    };
  });
}

/** One live chart per ChartView id; created once, then updated in place. */
export class DashboardCharts {
  private readonly charts = new Map<string, LineChart>();
  private forecastChart?: LineChart;

  constructor(private theme: ChartTheme) {}

  render(views: ChartView[], range: { from: number; to: number }, canvasFor: (id: string) => HTMLCanvasElement): void {
    for (const view of views) {
      const canvas = canvasFor(view.id);
      const existing = this.charts.get(view.id);
      if (existing && existing.canvas === canvas) {
        existing.data.datasets = datasets(view, this.theme);
        existing.options = baseOptions(this.theme, view.unit, range);
        existing.update('none');
      } else {
        existing?.destroy();
        this.charts.set(
          view.id,
          new Chart(canvas, {
            type: 'line',
            data: { datasets: datasets(view, this.theme) },
            options: baseOptions(this.theme, view.unit, range),
          }),
        );
      }
    }
  }

  renderForecast(fc: ForecastView | undefined, canvas: HTMLCanvasElement): void {
    if (!fc) {
      this.forecastChart?.destroy();
      this.forecastChart = undefined;
      return;
    }
    const [blue, orange] = this.theme.palette;
    const sets: ChartDataset<'line', { x: number; y: number }[]>[] = [
      {
        label: `${fc.label} (measured)`,
        data: fc.history.slice(),
        borderColor: blue,
        backgroundColor: blue,
        indexAxis: 'x',
      },
      {
        label: 'linear fit and projection',
        data: fc.fit.slice(),
        borderColor: orange,
        borderDash: [6, 4],
        backgroundColor: orange,
        indexAxis: 'x',
      },
      {
        label: `${Math.round(fc.projection.confidence * 100)}% prediction interval`,
        data: fc.lower.slice(),
        borderColor: withAlpha(orange!, 0.5),
        borderWidth: 1,
        backgroundColor: withAlpha(orange!, 0.15),
        indexAxis: 'x',
      },
      {
        label: 'upper',
        data: fc.upper.slice(),
        borderColor: withAlpha(orange!, 0.5),
        borderWidth: 1,
        backgroundColor: withAlpha(orange!, 0.15),
        fill: '-1',
        indexAxis: 'x',
      },
    ];
    const from = fc.history[0]?.x ?? fc.projection.atMs;
    const options = baseOptions(this.theme, fc.unit, { from, to: fc.projection.atMs });
    options.plugins!.legend!.labels!.filter = (item) => item.text !== 'upper';
    if (this.forecastChart && this.forecastChart.canvas === canvas) {
      this.forecastChart.data.datasets = sets;
      this.forecastChart.options = options;
      this.forecastChart.update('none');
    } else {
      this.forecastChart?.destroy();
      this.forecastChart = new Chart(canvas, { type: 'line', data: { datasets: sets }, options });
    }
  }

  /** Points Chart.js laid out for a chart after decimation (0 when it drew no line). */
  renderedPoints(id: string): number {
    const chart = id === 'forecast' ? this.forecastChart : this.charts.get(id);
    if (!chart) return 0;
    let n = 0;
    for (let i = 0; i < chart.data.datasets.length; i++) n += chart.getDatasetMeta(i).data.length;
    return n;
  }

  /** New theme colors: every chart is rebuilt with them on the next render. */
  setTheme(theme: ChartTheme): void {
    this.theme = theme;
  }
}
