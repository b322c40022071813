// @ts-check
/* global location, history, URLSearchParams */
import { call, curl } from './api.mjs';
import { copyable, h, replace } from './dom.mjs';
import { plot, tableView } from './plot.mjs';
import { QUICK_RANGES, rangeOf } from './time.mjs';

/**
 * @typedef {{ name: string, displayName: string | null, kind: 'timeseries' | 'table', unit: string | null,
 *   labels: Record<string, string>, source: string, columns?: { text: string, type: string }[] }} InfoMetric
 * @typedef {{ auth: string[], metrics: InfoMetric[], limits: { defaultMaxDataPoints: number } }} Info
 * @typedef {{ name: string, text: string, info: InfoMetric | undefined, payloads: string[] }} Entry
 * @typedef {{ key: string, operator: string, value: string }} Filter
 */

const OPERATORS = ['=', '!=', '=~', '!~', '<', '>'];

/** The view's state, kept in the URL's hash so a view can be shared and reloaded. */
function readState() {
  const q = new URLSearchParams(location.hash.replace(/^#explore\??/, ''));
  return {
    metrics: (q.get('metrics') ?? '').split(',').filter((m) => m !== ''),
    from: q.get('from') ?? 'now-6h',
    to: q.get('to') ?? 'now',
    maxDataPoints: Number(q.get('mdp') ?? '') || 0,
    annotations: q.get('annotations') !== 'off',
  };
}

/**
 * The metric list (/search names, kinds and labels from ui/api/info, payload fields from /metrics), the
 * query controls, and the answer: series plotted with the annotation events, tables as tables, the exact
 * request with a copy-as-curl button.
 * @param {HTMLElement} root
 * @param {Info} info
 */
export async function explore(root, info) {
  const state = readState();
  // Only /search is waited for: the first plot goes out with it, the payload fields and tag keys follow.
  const metricsCall = call('metrics', {});
  const keysCall = call('tag-keys', {});
  const search = await call('search', { target: '' });
  const byName = new Map(info.metrics.map((m) => [m.name, m]));
  /** @type {Entry[]} */
  const entries = (Array.isArray(search.body) ? search.body : []).map(
    (/** @type {string | {text: string, value: string}} */ item) => {
      const name = typeof item === 'string' ? item : item.value;
      const text = typeof item === 'string' ? item : item.text;
      return { name, text, info: byName.get(name), payloads: /** @type {string[]} */ ([]) };
    },
  );
  const selected = new Set(state.metrics.filter((m) => entries.some((e) => e.name === m)));
  if (selected.size === 0) {
    const first = entries.find((e) => e.info?.kind !== 'table');
    if (first !== undefined) selected.add(first.name);
  }
  /** @type {string[]} */
  const tagKeys = [];

  const searchBox = h('input', {
    type: 'search',
    placeholder: 'Search metrics',
    class: 'search',
    'aria-label': 'Search metrics',
  });
  const list = h('ul', { class: 'metrics' });
  const from = h('input', { value: state.from, class: 'time', 'aria-label': 'From', name: 'from' });
  const to = h('input', { value: state.to, class: 'time', 'aria-label': 'To', name: 'to' });
  const mdp = h('input', {
    type: 'number',
    min: '1',
    value: String(state.maxDataPoints || info.limits.defaultMaxDataPoints),
    class: 'mdp',
    'aria-label': 'Max data points',
    name: 'maxDataPoints',
  });
  const withEvents = h('input', { type: 'checkbox', checked: state.annotations, name: 'annotations' });
  const filterRows = h('div', { class: 'filters' });
  /** @type {Filter[]} */
  const filters = [];
  const output = h('div', { class: 'output' });
  const request = h('div', { class: 'request' });

  const renderList = () => {
    const needle = searchBox.value.trim().toLowerCase();
    const shown = entries.filter(
      (e) =>
        needle === '' ||
        e.name.toLowerCase().includes(needle) ||
        e.text.toLowerCase().includes(needle) ||
        Object.entries(e.info?.labels ?? {}).some(([k, v]) => `${k}=${v}`.toLowerCase().includes(needle)),
    );
    replace(
      list,
      shown.map((e) =>
        h(
          'li',
          { 'data-metric': e.name, class: selected.has(e.name) ? 'selected' : undefined },
          h(
            'label',
            {},
            h('input', {
              type: 'checkbox',
              checked: selected.has(e.name),
              onchange: (/** @type {Event} */ ev) => {
                if (/** @type {HTMLInputElement} */ (ev.target).checked) selected.add(e.name);
                else selected.delete(e.name);
                renderList();
                void run();
              },
            }),
            h('span', { class: 'name' }, e.name),
            e.text !== e.name ? h('span', { class: 'display' }, e.text) : null,
          ),
          h(
            'div',
            { class: 'meta' },
            h('span', { class: `kind ${e.info?.kind ?? 'family'}` }, e.info?.kind ?? 'pattern'),
            e.info?.unit ? h('span', { class: 'unit' }, e.info.unit) : null,
            ...Object.entries(e.info?.labels ?? {}).map(([k, v]) =>
              h('span', { class: 'label' }, `${k}=${v}`),
            ),
            e.info?.columns
              ? h('span', { class: 'columns' }, e.info.columns.map((c) => c.text).join(', '))
              : null,
            e.payloads.length > 0
              ? h('span', { class: 'payloads', title: 'payload fields' }, `payload: ${e.payloads.join(', ')}`)
              : null,
          ),
        ),
      ),
    );
  };

  const addFilter = () => {
    /** @type {Filter} */
    const filter = { key: tagKeys[0] ?? '', operator: '=', value: '' };
    filters.push(filter);
    const values = h('datalist', { id: `values-${filters.length}-${Date.now()}` });
    const valueInput = h('input', {
      class: 'filter-value',
      'aria-label': 'Filter value',
      onchange: (/** @type {Event} */ ev) => {
        filter.value = /** @type {HTMLInputElement} */ (ev.target).value;
        void run();
      },
    });
    valueInput.setAttribute('list', values.id);
    const loadValues = async () => {
      const answer = await call('tag-values', {
        key: filter.key,
        filters: filters.filter((f) => f !== filter && f.value !== ''),
      });
      const items = Array.isArray(answer.body) ? answer.body : [];
      replace(
        values,
        items.map((/** @type {{text: string}} */ v) => h('option', { value: String(v.text) })),
      );
      values.dataset.count = String(items.length);
    };
    const row = h(
      'div',
      { class: 'filter' },
      h(
        'select',
        {
          class: 'filter-key',
          'aria-label': 'Filter key',
          onchange: (/** @type {Event} */ ev) => {
            filter.key = /** @type {HTMLSelectElement} */ (ev.target).value;
            void loadValues();
            if (filter.value !== '') void run();
          },
        },
        ...tagKeys.map((k) => h('option', { value: k }, k)),
      ),
      h(
        'select',
        {
          class: 'filter-op',
          'aria-label': 'Filter operator',
          onchange: (/** @type {Event} */ ev) => {
            filter.operator = /** @type {HTMLSelectElement} */ (ev.target).value;
            if (filter.value !== '') void run();
          },
        },
        ...OPERATORS.map((o) => h('option', { value: o }, o)),
      ),
      valueInput,
      values,
      h(
        'button',
        {
          type: 'button',
          class: 'remove',
          onclick: () => {
            filters.splice(filters.indexOf(filter), 1);
            row.remove();
            void run();
          },
        },
        '×',
      ),
    );
    filterRows.append(row);
    void loadValues();
  };

  let generation = 0;
  const run = async () => {
    const mine = ++generation;
    const now = Date.now();
    let range;
    try {
      range = rangeOf(from.value, to.value, now);
    } catch (err) {
      replace(output, h('p', { class: 'error' }, /** @type {Error} */ (err).message));
      return;
    }
    const maxDataPoints = Math.max(1, Math.floor(Number(mdp.value) || info.limits.defaultMaxDataPoints));
    const active = filters.filter((f) => f.key !== '' && f.value !== '');
    const body = {
      range,
      maxDataPoints,
      targets: [...selected].map((target, i) => ({
        target,
        refId: String.fromCharCode(65 + (i % 26)) + (i >= 26 ? i : ''),
      })),
      adhocFilters: active,
    };
    history.replaceState(
      null,
      '',
      `#explore?${new URLSearchParams({
        metrics: [...selected].join(','),
        from: from.value,
        to: to.value,
        mdp: String(maxDataPoints),
        annotations: withEvents.checked ? 'on' : 'off',
      })}`,
    );
    replace(
      request,
      h('h3', {}, 'Request'),
      copyable(JSON.stringify(body, null, 2), 'Copy JSON'),
      copyable(curl('query', body, info.auth), 'Copy as curl'),
    );
    if (body.targets.length === 0) {
      replace(output, h('p', { class: 'hint' }, 'Pick one or more metrics on the left.'));
      return;
    }
    const annotationBody = { range, annotation: { name: 'explorer', enable: true, query: '' } };
    const events = withEvents.checked ? call('annotations', annotationBody) : Promise.resolve(null);
    const answer = await call('query', body);
    if (mine !== generation) return; // a newer request was sent meanwhile
    if (!answer.ok) {
      replace(
        output,
        h(
          'p',
          { class: 'error' },
          `${answer.status}: ${answer.body?.message ?? JSON.stringify(answer.body)}`,
        ),
      );
      return;
    }
    const results = Array.isArray(answer.body) ? answer.body : [];
    const series = results.filter((r) => Array.isArray(r.datapoints));
    const tables = results.filter((r) => r.type === 'table');
    const notices = results.flatMap((r) => r.meta?.notices ?? []);
    const chart = series.length > 0 ? plot(series) : null;
    const took = h(
      'p',
      { class: 'took' },
      `${series.length} series, ${tables.length} table${tables.length === 1 ? '' : 's'} in ${answer.ms} ms`,
    );
    replace(
      output,
      took,
      ...notices.map((/** @type {{text: string}} */ n) => h('p', { class: 'notice' }, n.text)),
      chart,
      ...tables.map(tableView),
    );
    const eventAnswer = await events;
    if (mine !== generation || eventAnswer === null) return;
    const eventList = eventAnswer.ok && Array.isArray(eventAnswer.body) ? eventAnswer.body : [];
    took.append(`, ${eventList.length} annotation events in ${eventAnswer.ms} ms`);
    chart?.showEvents(eventList);
  };

  searchBox.addEventListener('input', renderList);
  for (const input of [from, to, mdp]) input.addEventListener('change', () => void run());
  withEvents.addEventListener('change', () => void run());
  const quick = QUICK_RANGES.map((r) =>
    h(
      'button',
      {
        type: 'button',
        class: 'quick',
        'data-range': r,
        onclick: () => {
          from.value = `now-${r}`;
          to.value = 'now';
          void run();
        },
      },
      `Last ${r}`,
    ),
  );
  replace(
    root,
    h(
      'div',
      { class: 'explore' },
      h('aside', {}, searchBox, list),
      h(
        'section',
        { class: 'main' },
        h(
          'div',
          { class: 'controls' },
          h('div', { class: 'ranges' }, ...quick),
          h('label', {}, 'From ', from),
          h('label', {}, 'To ', to),
          h('label', {}, 'Max data points ', mdp),
          h('label', {}, withEvents, ' annotations'),
          h('button', { type: 'button', class: 'run', onclick: () => void run() }, 'Run'),
        ),
        h(
          'div',
          { class: 'filter-bar' },
          filterRows,
          h('button', { type: 'button', class: 'add-filter', onclick: addFilter }, '+ filter'),
        ),
        output,
        request,
      ),
    ),
  );
  renderList();
  const first = run();
  const [metricsAnswer, keysAnswer] = await Promise.all([metricsCall, keysCall]);
  if (Array.isArray(metricsAnswer.body)) {
    const fields = new Map(
      metricsAnswer.body.map((/** @type {{value: string, payloads?: {name: string}[]}} */ m) => [
        m.value,
        (m.payloads ?? []).map((p) => p.name),
      ]),
    );
    for (const e of entries) e.payloads = fields.get(e.name) ?? [];
    renderList();
  }
  if (Array.isArray(keysAnswer.body)) {
    tagKeys.push(...keysAnswer.body.map((/** @type {{text: string}} */ k) => k.text));
  }
  await first;
}
