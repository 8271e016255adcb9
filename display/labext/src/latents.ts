// Renderer for application/vnd.gophys.latents+json: a sortable latent table.
//
// Every string from the kernel is data: it goes into the DOM through
// textContent or attribute setters, never through innerHTML.

import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import { LATENTS_VERSION, MIME_LATENTS } from './mime';
import { el, fmt, isRecord, num, renderFallback } from './util';

/** One latent neuron (display.LatentRow); null statistics read as NaN. */
export interface ILatentRow {
  index: number;
  name: string;
  mean: number;
  std: number;
  kl: number;
  activity: number;
  active: boolean;
  corr: number[];
  r2: number[];
}

/** The validated latent table payload (display.LatentsPayload). */
export interface ILatentTable {
  version: number;
  title: string;
  parameters: string[];
  activeThreshold: number;
  maxStd: number;
  strongR2: number;
  latents: ILatentRow[];
}

/** DEFAULT_STRONG_R2 highlights R² when the payload gives no strong_r2. */
export const DEFAULT_STRONG_R2 = 0.8;

/**
 * parseLatents validates a payload; it returns an error string for anything
 * this version of the extension cannot render faithfully.
 */
export function parseLatents(data: unknown): ILatentTable | string {
  if (!isRecord(data)) {
    return 'payload is not a JSON object';
  }
  const version = data.version;
  if (typeof version !== 'number' || version < 1 || version > LATENTS_VERSION) {
    return `unsupported latent table version ${String(version)} (this extension reads ≤ ${LATENTS_VERSION})`;
  }
  const parameters = Array.isArray(data.parameters)
    ? data.parameters.map(p => String(p))
    : [];
  if (!Array.isArray(data.latents)) {
    return 'payload has no latents array';
  }
  const latents: ILatentRow[] = [];
  for (const [i, raw] of data.latents.entries()) {
    if (!isRecord(raw)) {
      return `latent ${i} is not an object`;
    }
    const index = typeof raw.index === 'number' ? raw.index : i;
    latents.push({
      index,
      name: typeof raw.name === 'string' && raw.name !== '' ? raw.name : `z${index}`,
      mean: num(raw.mean),
      std: num(raw.std),
      kl: num(raw.kl),
      activity: num(raw.activity),
      active: raw.active === true,
      corr: Array.isArray(raw.corr) ? raw.corr.map(num) : [],
      r2: Array.isArray(raw.r2) ? raw.r2.map(num) : []
    });
  }
  return {
    version,
    title: typeof data.title === 'string' ? data.title : '',
    parameters,
    activeThreshold: num(data.active_threshold),
    maxStd: num(data.max_std),
    strongR2: Number.isFinite(num(data.strong_r2)) ? num(data.strong_r2) : DEFAULT_STRONG_R2,
    latents
  };
}

type SortKey = { column: string; descending: boolean };

/** Column accessors: the fixed statistics, then one R² column per parameter. */
function columns(
  table: ILatentTable
): { name: string; label: string; value: (r: ILatentRow) => number }[] {
  const fixed = [
    { name: 'index', label: 'latent', value: (r: ILatentRow) => r.index },
    { name: 'active', label: 'active', value: (r: ILatentRow) => (r.active ? 1 : 0) },
    { name: 'mean', label: 'mean', value: (r: ILatentRow) => r.mean },
    { name: 'std', label: 'std', value: (r: ILatentRow) => r.std },
    { name: 'kl', label: 'KL', value: (r: ILatentRow) => r.kl },
    {
      name: 'activity',
      label: 'activity',
      value: (r: ILatentRow) => r.activity
    }
  ];
  const r2 = table.parameters.map((p, j) => ({
    name: `r2:${j}`,
    label: `R² ${p}`,
    value: (r: ILatentRow) => r.r2[j] ?? NaN
  }));
  return [...fixed, ...r2];
}

/** LatentsRenderer draws a latent table and re-sorts it on header clicks. */
export class LatentsRenderer extends Widget implements IRenderMime.IRenderer {
  private table: ILatentTable | null = null;
  private sort: SortKey = { column: 'index', descending: false };

  private selected: number | null = null;
  private readonly sanitizer: IRenderMime.ISanitizer;

  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this.mimeType = options.mimeType;
    this.sanitizer = options.sanitizer;
    this.addClass('gophys-latents');
  }

  readonly mimeType: string;

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const parsed = parseLatents(model.data[this.mimeType]);
    if (typeof parsed === 'string') {
      this.table = null;
      renderFallback(this.node, model, MIME_LATENTS, parsed, this.sanitizer);
      return Promise.resolve();
    }
    this.node.classList.remove('gophys-fallback');
    this.table = parsed;
    this.draw();
    return Promise.resolve();
  }

  private draw(): void {
    const table = this.table;
    if (table === null) {
      return;
    }
    const cols = columns(table);
    const maxStd = Math.max(1e-12, ...table.latents.map(r => Math.abs(r.std)));
    const maxKL = Math.max(1e-12, ...table.latents.map(r => Math.abs(r.kl)));
    const sortCol = cols.find(c => c.name === this.sort.column) ?? cols[0];
    const rows = [...table.latents].sort((a, b) => {
      const d = cmp(sortCol.value(a), sortCol.value(b));
      return this.sort.descending ? -d : d;
    });

    this.node.replaceChildren();
    if (table.title !== '') {
      this.node.appendChild(el('div', 'gophys-latents-title', table.title));
    }
    const t = el('table', 'gophys-latents-table');
    const head = el('tr');
    for (const c of cols) {
      const th = el('th', 'gophys-sortable', c.label);
      th.dataset.column = c.name;
      th.title = 'click to sort';
      if (c.name === this.sort.column) {
        th.classList.add(this.sort.descending ? 'gophys-desc' : 'gophys-asc');
      }
      th.addEventListener('click', () => {
        this.sort =
          this.sort.column === c.name
            ? { column: c.name, descending: !this.sort.descending }
            : { column: c.name, descending: c.name !== 'index' };
        this.draw();
      });
      head.appendChild(th);
    }
    t.appendChild(el('thead')).appendChild(head);
    const body = t.appendChild(el('tbody'));
    for (const r of rows) {
      const tr = el('tr', r.active ? 'gophys-active' : 'gophys-inactive');
      if (this.selected === r.index) {
        tr.classList.add('gophys-selected');
      }
      tr.dataset.index = String(r.index);
      tr.title = describe(table, r);
      tr.addEventListener('click', () => {
        this.selected = this.selected === r.index ? null : r.index;
        this.draw();
      });
      tr.appendChild(el('td', 'gophys-index', r.name));
      tr.appendChild(el('td', 'gophys-flag', r.active ? '●' : '○'));
      tr.appendChild(el('td', 'gophys-num', fmt(r.mean)));
      tr.appendChild(barCell(r.std, maxStd));
      tr.appendChild(barCell(r.kl, maxKL));
      tr.appendChild(el('td', 'gophys-num', fmt(r.activity)));
      for (let j = 0; j < table.parameters.length; j++) {
        const v = r.r2[j] ?? NaN;
        const c = r.corr[j] ?? NaN;
        const td = el('td', 'gophys-num gophys-r2', fmt(v));
        td.title = `${r.name} vs ${table.parameters[j]}: R² ${fmt(v)}, correlation ${fmt(c)}`;
        td.style.backgroundColor = corrColour(Number.isFinite(c) ? c : Math.sqrt(Math.max(0, v)));
        if (Number.isFinite(v) && v >= table.strongR2) {
          td.classList.add('gophys-strong');
        }
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
    this.node.appendChild(t);
    const sel = table.latents.find(r => r.index === this.selected);
    if (sel !== undefined) {
      this.node.appendChild(el('div', 'gophys-latents-detail', describe(table, sel)));
    }
    this.node.appendChild(el('div', 'gophys-latents-legend', legend(table)));
  }
}

/** describe is the hover/click detail of one latent. */
function describe(table: ILatentTable, r: ILatentRow): string {
  const parts = [
    `${r.name} (latent ${r.index}): ${r.active ? 'active' : 'inactive'}`,
    `mean μ ${fmt(r.mean)}, mean σ ${fmt(r.std)}, KL ${fmt(r.kl)} nats, Var(μ) ${fmt(r.activity)}`
  ];
  table.parameters.forEach((p, j) => {
    parts.push(`${p}: R² ${fmt(r.r2[j] ?? NaN)}, corr ${fmt(r.corr[j] ?? NaN)}`);
  });
  return parts.join('; ');
}

/** legend explains the active criterion and the highlighting. */
function legend(table: ILatentTable): string {
  const crit = [`Var(μ) > ${fmt(table.activeThreshold)}`];
  if (Number.isFinite(table.maxStd)) {
    crit.push(`σ < ${fmt(table.maxStd)}`);
  }
  return `● active: ${crit.join(' and ')}; bold R² ≥ ${fmt(table.strongR2)}; ` +
    'cell colour: correlation (blue +, red −); click a header to sort, a row for details';
}

/** corrColour maps a correlation in [-1, 1] to a translucent blue or red. */
function corrColour(c: number): string {
  const a = (0.6 * Math.min(1, Math.abs(c))).toFixed(3);
  return c >= 0 ? `rgba(33, 150, 243, ${a})` : `rgba(229, 57, 53, ${a})`;
}

/** cmp orders numbers with NaN last. */
function cmp(a: number, b: number): number {
  if (Number.isNaN(a)) {
    return Number.isNaN(b) ? 0 : 1;
  }
  if (Number.isNaN(b)) {
    return -1;
  }
  return a - b;
}

/** barCell shows a value with a horizontal bar scaled to the column maximum. */
function barCell(v: number, max: number): HTMLElement {
  const td = el('td', 'gophys-num gophys-bar-cell');
  const bar = td.appendChild(el('span', 'gophys-bar'));
  const w = Number.isFinite(v) ? Math.min(100, (100 * Math.abs(v)) / max) : 0;
  bar.style.width = `${w.toFixed(1)}%`;
  td.appendChild(el('span', 'gophys-bar-label', fmt(v)));
  return td;
}
