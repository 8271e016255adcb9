// Small DOM helpers shared by the renderers.

import { IRenderMime } from '@jupyterlab/rendermime-interfaces';

/** isRecord reports whether v is a plain JSON object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** num reads a JSON number; null, strings and missing values become NaN. */
export function num(v: unknown): number {
  return typeof v === 'number' ? v : NaN;
}

/** fmt formats a statistic with four significant digits; NaN shows as "–". */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) {
    return '–';
  }
  if (v !== 0 && (Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3)) {
    return v.toExponential(2);
  }
  return Number(v.toPrecision(4)).toString();
}

/**
 * el creates an element; text is set through textContent, so strings from the
 * kernel are never parsed as HTML.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) {
    e.className = className;
  }
  if (text !== undefined) {
    e.textContent = text;
  }
  return e;
}

/**
 * renderFallback shows why the payload was not rendered, then the bundle's
 * own fallback: its text/html through Lab's sanitizer when the output is
 * trusted, else its text/plain. An unknown schema version thus still shows
 * what the kernel meant.
 */
export function renderFallback(
  node: HTMLElement,
  model: IRenderMime.IMimeModel,
  mimeType: string,
  reason: string,
  sanitizer: IRenderMime.ISanitizer
): void {
  node.replaceChildren();
  node.classList.add('gophys-fallback');
  node.appendChild(
    el('div', 'gophys-fallback-reason', `${mimeType}: ${reason}`)
  );
  const html = model.data['text/html'];
  const text = model.data['text/plain'];
  if (model.trusted && typeof html === 'string') {
    const div = el('div', 'gophys-fallback-html');
    div.innerHTML = sanitizer.sanitize(html);
    node.appendChild(div);
  } else if (typeof text === 'string') {
    node.appendChild(el('pre', 'gophys-fallback-text', text));
  }
}
