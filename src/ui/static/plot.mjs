// @ts-check
/* global uPlot, ResizeObserver, performance, devicePixelRatio */
import { h, replace, table } from './dom.mjs';
import { utc } from './time.mjs';

/** Series colours, distinct on white (Grafana's classic palette). */
const COLORS = [
  '#7eb26d',
  '#eab839',
  '#6ed0e0',
  '#ef843c',
  '#e24d42',
  '#1f78c1',
  '#ba43a9',
  '#705da0',
  '#508642',
  '#cca300',
];

/**
 * @typedef {{ target: string, datapoints: [number | null, number][], unit?: string, tags?: Record<string, string> }} Series
 * @typedef {{ time: number, timeEnd?: number, title?: string, text?: string, tags?: string[] }} Annotation
 * @typedef {{ name: string, unit: string, last: number | null, min: number | null, max: number | null, points: number }} Stats
 */

/**
 * What the legend shows of a series: its last, smallest and largest values and its point count, from the
 * answer as it came (nulls are gaps).
 * @param {Series} series
 * @returns {Stats}
 */
export function stats(series) {
  /** @type {number | null} */ let last = null;
  let min = Infinity;
  let max = -Infinity;
  for (const [v] of series.datapoints) {
    if (v === null) continue;
    last = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const none = last === null;
  return {
    name: series.target,
    unit: series.unit ?? '',
    last,
    min: none ? null : min,
    max: none ? null : max,
    points: series.datapoints.length,
  };
}

/** @param {number | null} v */
export function formatValue(v) {
  if (v === null) return '–';
  return Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-3)
    ? v.toExponential(3)
    : String(Math.round(v * 1000) / 1000);
}

/**
 * Draws the annotation events on the plot: a dashed line per event, a band per region.
 * @param {{ events: readonly Annotation[] }} shown the events to draw (replaced when they arrive)
 * @returns {(u: uPlot) => void}
 */
function drawAnnotations(shown) {
  return (u) => {
    const { ctx, bbox } = u;
    ctx.save();
    for (const e of shown.events) {
      const x0 = u.valToPos(e.time / 1000, 'x', true);
      if (e.timeEnd !== undefined && e.timeEnd > e.time) {
        const x1 = u.valToPos(e.timeEnd / 1000, 'x', true);
        ctx.fillStyle = 'rgba(31, 120, 193, 0.12)';
        ctx.fillRect(x0, bbox.top, Math.max(1, x1 - x0), bbox.height);
      }
      ctx.strokeStyle = 'rgba(31, 120, 193, 0.9)';
      ctx.setLineDash([5, 4]);
      ctx.lineWidth = 1.5 * devicePixelRatio;
      ctx.beginPath();
      ctx.moveTo(x0, bbox.top);
      ctx.lineTo(x0, bbox.top + bbox.height);
      ctx.stroke();
    }
    ctx.restore();
  };
}

/**
 * A uPlot chart of the series with the events drawn on it, and a legend table of stats() per series
 * (with the value under the cursor). The element's `uplot` property holds the chart, for the console
 * and the browser tests; `data-drawn-ms` says when it was first drawn (performance.now()). The events
 * come later (`showEvents`): an annotation set read from a slow database does not hold the plot back.
 * @param {readonly Series[]} series
 * @returns {HTMLElement & { uplot: uPlot | undefined, showEvents(events: readonly Annotation[]): void }}
 */
export function plot(series) {
  /** @type {{ events: readonly Annotation[] }} */
  const shown = { events: [] };
  const box = Object.assign(h('div', { class: 'plot', 'data-series': series.length }), {
    /** @type {uPlot | undefined} */ uplot: undefined,
    /** @param {readonly Annotation[]} events */
    showEvents(events) {
      shown.events = events;
      box.dataset.annotations = String(events.length);
      box.querySelector('details.events')?.remove();
      if (events.length > 0) box.append(eventTable(events));
      box.uplot?.redraw(false, false);
    },
  });
  const canvas = h('div', { class: 'canvas' });
  const legendRows = series.map((s, i) => {
    const st = stats(s);
    const cursor = h('td', { class: 'cursor' }, '');
    const row = h(
      'tr',
      { 'data-series': s.target },
      h('td', {}, h('span', { class: 'swatch', 'data-color': i % COLORS.length }), st.name),
      h('td', { class: 'last' }, formatValue(st.last)),
      h('td', { class: 'min' }, formatValue(st.min)),
      h('td', { class: 'max' }, formatValue(st.max)),
      h('td', { class: 'points' }, st.points),
      h('td', {}, st.unit),
      cursor,
    );
    return { row, cursor };
  });
  const legend = h(
    'table',
    { class: 'legend' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Series', 'Last', 'Min', 'Max', 'Points', 'Unit', 'At cursor'].map((c) => h('th', {}, c)),
      ),
    ),
    h('tbody', {}, ...legendRows.map((r) => r.row)),
  );
  const data = uPlot.join(
    series.map((s) => [s.datapoints.map((p) => p[1] / 1000), s.datapoints.map((p) => p[0])]),
  );
  /** @type {uPlot.Options} */
  const opts = {
    width: 800,
    height: 320,
    legend: { show: false },
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: true } },
    // Axis and cursor times in UTC, as the server's time math: never the machine's time zone.
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    axes: [{}, { size: 60 }],
    series: [
      { value: (_u, v) => (v === null ? '–' : utc(v * 1000)) },
      ...series.map((s, i) => ({
        label: s.target,
        stroke: COLORS[i % COLORS.length] ?? '#000',
        width: 1.5,
        spanGaps: false,
        points: { show: false },
      })),
    ],
    hooks: {
      draw: [
        drawAnnotations(shown),
        () => {
          if (box.dataset.drawnMs === undefined) box.dataset.drawnMs = String(performance.now());
        },
      ],
      setCursor: [
        (u) => {
          const i = u.cursor.idx;
          legendRows.forEach((r, k) => {
            const v = i === null || i === undefined ? null : (u.data[k + 1]?.[i] ?? null);
            r.cursor.textContent = i === null || i === undefined ? '' : formatValue(v);
          });
        },
      ],
    },
  };
  const u = new uPlot(opts, /** @type {uPlot.AlignedData} */ (data), canvas);
  box.uplot = u;
  new ResizeObserver(() => {
    const width = Math.max(300, Math.floor(canvas.clientWidth));
    if (width !== u.width) u.setSize({ width, height: 320 });
  }).observe(canvas);
  replace(box, canvas, legend);
  return box;
}

/** @param {readonly Annotation[]} events */
function eventTable(events) {
  return h(
    'details',
    { class: 'events' },
    h('summary', {}, `${events.length} annotation event${events.length === 1 ? '' : 's'}`),
    table(
      ['Time', 'End', 'Title', 'Tags'],
      events.map((e) => [
        utc(e.time),
        e.timeEnd === undefined ? '' : utc(e.timeEnd),
        e.title ?? e.text ?? '',
        (e.tags ?? []).join(', '),
      ]),
    ),
  );
}

/**
 * A table result (`{type: "table", columns, rows}`) as an HTML table; time columns in UTC.
 * @param {{ name?: string, refId?: string, columns: { text: string, type?: string }[], rows: unknown[][] }} result
 */
export function tableView(result) {
  const timeCols = new Set(result.columns.flatMap((c, i) => (c.type === 'time' ? [i] : [])));
  return h(
    'section',
    { class: 'result-table' },
    h(
      'h3',
      {},
      result.name ?? result.refId ?? 'table',
      ` (${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`,
    ),
    table(
      result.columns.map((c) => c.text),
      result.rows.map((row) =>
        row.map((cell, i) =>
          timeCols.has(i) && typeof cell === 'number' ? utc(cell) : cell === null ? '' : String(cell),
        ),
      ),
      'data',
    ),
  );
}
