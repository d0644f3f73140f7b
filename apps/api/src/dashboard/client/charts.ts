import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import type { ChartConfiguration } from 'chart.js';
import { $ } from './dom.js';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

export const COLORS = ['#2f6fde', '#f79009', '#12b76a', '#9e77ed', '#f04438', '#0ba5ec'];

const charts = new Map<string, Chart>();
/** Draws (or redraws) the chart of a canvas, and notes on it what it shows. */
export function draw(id: string, config: ChartConfiguration): void {
  charts.get(id)?.destroy();
  const canvas = $<HTMLCanvasElement>(id);
  const chart = new Chart(canvas, config);
  charts.set(id, chart);
  // For tests and scripts: what the chart shows.
  canvas.dataset['points'] = String(config.data.datasets.reduce((n, d) => n + d.data.length, 0));
  canvas.dataset['labels'] = config.data.labels?.join(',') ?? '';
}

export function baseOptions(): ChartConfiguration['options'] {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: { position: 'bottom' } },
    scales: { y: { beginAtZero: true } },
  };
}
