// Renderer for application/vnd.gophys.progress+json: a bar and an SVG loss
// curve. JupyterLab calls renderModel again on update_display_data; the
// renderer redraws its existing node in place.

import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import { MIME_PROGRESS, PROGRESS_VERSION } from './mime';
import { el, fmt, isRecord, num, renderFallback } from './util';

/** One curve of the progress display (display.ProgressSeries). */
export interface ISeries {
  name: string;
  x: number[];
  y: number[];
}

/** The validated progress payload (display.ProgressPayload). */
export interface IProgress {
  version: number;
  title: string;
  status: string;
  error: string;
  current: number;
  total: number;
  unit: string;
  epoch: number;
  epochs: number;
  elapsed: number;
  eta: number;
  series: ISeries[];
  metrics: [string, number][];
  logY: boolean;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** parseProgress validates a payload or says why it cannot be rendered. */
export function parseProgress(data: unknown): IProgress | string {
  if (!isRecord(data)) {
    return 'payload is not a JSON object';
  }
  const version = data.version;
  if (typeof version !== 'number' || version < 1 || version > PROGRESS_VERSION) {
    return `unsupported progress version ${String(version)} (this extension reads ≤ ${PROGRESS_VERSION})`;
  }
  const series: ISeries[] = [];
  if (Array.isArray(data.series)) {
    for (const s of data.series) {
      if (isRecord(s) && Array.isArray(s.x) && Array.isArray(s.y)) {
        series.push({ name: str(s.name), x: s.x.map(num), y: s.y.map(num) });
      }
    }
  }
  const metrics: [string, number][] = isRecord(data.metrics)
    ? Object.entries(data.metrics).map(([k, v]) => [k, num(v)])
    : [];
  return {
    version,
    title: str(data.title),
    status: str(data.status) || 'running',
    error: str(data.error),
    current: num(data.current),
    total: num(data.total),
    unit: str(data.unit),
    epoch: num(data.epoch),
    epochs: num(data.epochs),
    elapsed: num(data.elapsed_s),
    eta: num(data.eta_s),
    series,
    metrics,
    logY: data.log_y === true
  };
}

/** seconds formats a duration as 1m05s / 4.2s; NaN as "?". */
function seconds(s: number): string {
  if (!Number.isFinite(s)) {
    return '?';
  }
  if (s < 60) {
    return `${s.toFixed(1)}s`;
  }
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - 60 * m)).padStart(2, '0')}s`;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const CURVE_W = 360;
const CURVE_H = 140;
const PAD = 4;

/** ProgressRenderer draws a progress bar and the loss curve so far. */
export class ProgressRenderer extends Widget implements IRenderMime.IRenderer {
  private readonly sanitizer: IRenderMime.ISanitizer;

  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this.mimeType = options.mimeType;
    this.sanitizer = options.sanitizer;
    this.addClass('gophys-progress');
  }

  readonly mimeType: string;

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const p = parseProgress(model.data[this.mimeType]);
    if (typeof p === 'string') {
      renderFallback(this.node, model, MIME_PROGRESS, p, this.sanitizer);
      return Promise.resolve();
    }
    this.node.classList.remove('gophys-fallback');
    for (const st of ['running', 'done', 'stopped', 'error']) {
      this.node.classList.toggle(`gophys-${st}`, p.status === st);
    }
    const known = p.total > 0 && Number.isFinite(p.current);
    const frac = known ? Math.max(0, Math.min(1, p.current / p.total)) : 0;

    const parts: string[] = [];
    if (p.title !== '') {
      parts.push(p.title);
    }
    const unit = p.unit !== '' ? ` ${p.unit}s` : '';
    parts.push(
      known
        ? `${p.current}/${p.total}${unit} (${(100 * frac).toFixed(0)}%)`
        : `${Number.isFinite(p.current) ? p.current : 0}${unit}`
    );
    if (p.epochs > 0) {
      parts.push(`epoch ${p.epoch}/${p.epochs}`);
    }
    parts.push(
      `${seconds(p.elapsed)}${p.status === 'running' && Number.isFinite(p.eta) ? `, ${seconds(p.eta)} left` : ''}`
    );
    if (p.status !== 'running') {
      parts.push(p.status);
    }
    const label = el('div', 'gophys-progress-label', parts.join(' · '));
    const children: Element[] = [label];
    if (known) {
      const bar = el('div', 'gophys-progress-bar');
      const fill = bar.appendChild(el('div', 'gophys-progress-fill'));
      fill.style.width = `${(100 * frac).toFixed(1)}%`;
      children.push(bar);
    }
    if (p.metrics.length > 0) {
      children.push(
        el(
          'div',
          'gophys-progress-metrics',
          p.metrics.map(([k, v]) => `${k} ${fmt(v)}`).join('   ')
        )
      );
    }
    if (p.status === 'error' && p.error !== '') {
      children.push(el('div', 'gophys-progress-error', p.error));
    }
    if (p.series.some(s => s.x.length > 0)) {
      children.push(lossCurve(p.series, p.logY, p.unit));
    }
    this.node.replaceChildren(...children);
    return Promise.resolve();
  }
}

const COLOURS = ['#d32f2f', '#1976d2', '#388e3c', '#f57c00', '#7b1fa2'];

/**
 * lossCurve draws every series as an SVG polyline against a shared x axis,
 * with a legend; logY selects a log10 y axis (non-positive points dropped).
 */
export function lossCurve(series: ISeries[], logY: boolean, unit: string): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('class', 'gophys-loss-curve');
  svg.setAttribute('width', String(CURVE_W));
  svg.setAttribute('height', String(CURVE_H));
  svg.setAttribute('viewBox', `0 0 ${CURVE_W} ${CURVE_H}`);
  const fy = logY ? Math.log10 : (v: number) => v;
  const pts = series.map(s =>
    s.x
      .map((x, i) => [x, fy(s.y[i] ?? NaN)] as [number, number])
      .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
  );
  const all = pts.flat();
  if (all.length === 0) {
    return svg;
  }
  const xs = all.map(([x]) => x);
  const ys = all.map(([, y]) => y);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => PAD + ((CURVE_W - 2 * PAD) * (x - x0)) / (x1 - x0 || 1);
  const sy = (y: number) => CURVE_H - PAD - 14 - ((CURVE_H - 2 * PAD - 30) * (y - y0)) / (y1 - y0 || 1);
  pts.forEach((p, k) => {
    const colour = COLOURS[k % COLOURS.length];
    const line = document.createElementNS(SVG_NS, 'polyline');
    line.setAttribute('points', p.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' '));
    line.setAttribute('class', 'gophys-loss-line');
    line.setAttribute('stroke', colour);
    svg.appendChild(line);
    // Sparse series (epoch losses: one point per epoch) get markers, since a
    // one-point polyline draws nothing.
    if (p.length <= 50) {
      for (const [x, y] of p) {
        const dot = document.createElementNS(SVG_NS, 'circle');
        dot.setAttribute('cx', sx(x).toFixed(1));
        dot.setAttribute('cy', sy(y).toFixed(1));
        dot.setAttribute('r', '2.5');
        dot.setAttribute('fill', colour);
        dot.setAttribute('class', 'gophys-loss-point');
        svg.appendChild(dot);
      }
    }
    const name = document.createElementNS(SVG_NS, 'text');
    name.setAttribute('x', String(PAD + 4 + 90 * k));
    name.setAttribute('y', '12');
    name.setAttribute('fill', colour);
    name.setAttribute('class', 'gophys-loss-axis');
    name.textContent = series[k].name;
    svg.appendChild(name);
  });
  const first = series.find(s => s.y.length > 0);
  const last = first !== undefined ? first.y[first.y.length - 1] : NaN;
  const axis = document.createElementNS(SVG_NS, 'text');
  axis.setAttribute('x', String(CURVE_W - PAD));
  axis.setAttribute('y', String(CURVE_H - PAD - 2));
  axis.setAttribute('text-anchor', 'end');
  axis.setAttribute('class', 'gophys-loss-axis');
  axis.textContent = `${logY ? 'log ' : ''}loss vs ${unit || 'step'}, last ${fmt(last)}`;
  svg.appendChild(axis);
  const tip = document.createElementNS(SVG_NS, 'title');
  tip.textContent = `y ${fmt(y0)} … ${fmt(y1)}${logY ? ' (log10)' : ''}, x ${fmt(x0)} … ${fmt(x1)}`;
  svg.appendChild(tip);
  return svg;
}
