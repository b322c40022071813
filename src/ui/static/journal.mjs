// @ts-check
/* global setTimeout, clearTimeout */
import { call, PAGE_HEADER, setToken, token } from './api.mjs';
import { h, replace, table } from './dom.mjs';
import { utc } from './time.mjs';

/** How often the live journal asks for new entries. */
const POLL_MS = 2000;

/**
 * The request journal (`/admin/requests`, with the admin token typed here): live, newest first, the body
 * Grafana sent under each entry. Requests of this page are left out unless asked for.
 * @param {HTMLElement} root
 * @param {any} info
 * @param {AbortSignal} signal aborted when the view is left (stops the polling)
 */
export async function journal(root, info, signal) {
  const tokenInput = h('input', {
    type: 'password',
    value: token('admin'),
    autocomplete: 'off',
    'aria-label': 'Admin token',
    name: 'admin-token',
  });
  const live = h('input', { type: 'checkbox', checked: true, name: 'live' });
  const mine = h('input', { type: 'checkbox', checked: false, name: 'own' });
  const status = h('p', { class: 'journal-status' });
  const list = h('div', { class: 'entries' });
  const detail = h('div', { class: 'detail' });
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  /** @type {number | undefined} */
  let shownId;

  const load = async () => {
    clearTimeout(timer);
    if (signal.aborted) return;
    if (token('admin') === '') {
      replace(status, 'Type the admin token (--admin-token) to read the journal.');
      return;
    }
    const answer = await call('admin/requests?limit=200', undefined, { admin: true });
    if (signal.aborted) return;
    if (!answer.ok) {
      const why =
        answer.status === 404
          ? 'the admin API is off (start the server with --admin-token)'
          : (answer.body?.message ?? `status ${answer.status}`);
      replace(status, h('span', { class: 'error' }, `Journal: ${why}`));
      replace(list);
      return;
    }
    const header = PAGE_HEADER.toLowerCase();
    const entries = /** @type {any[]} */ (answer.body.requests)
      .filter((e) => mine.checked || (e.headers?.[header] === undefined && !String(e.path).startsWith('/ui')))
      .reverse();
    replace(
      status,
      `${entries.length} request${entries.length === 1 ? '' : 's'}${live.checked ? ', live' : ''}`,
    );
    replace(
      list,
      table(
        ['Time (UTC)', 'Method', 'Path', 'Status', 'ms', 'Targets'],
        entries.map((e) => [
          h(
            'a',
            {
              href: '#journal',
              'data-entry': e.id,
              onclick: (/** @type {Event} */ ev) => {
                ev.preventDefault();
                show(e);
              },
            },
            utc(e.time),
          ),
          e.method,
          e.path,
          h('span', { class: e.status < 400 ? 'ok' : 'error' }, e.status),
          e.ms,
          (e.targets ?? [])
            .map((/** @type {any} */ t) => `${t.refId}: ${t.target} → ${t.metrics.join(', ') || '∅'}`)
            .join('; '),
        ]),
        'data journal',
      ),
    );
    const current = entries.find((e) => e.id === shownId) ?? entries[0];
    if (current !== undefined && shownId === undefined) show(current);
    if (live.checked) timer = setTimeout(() => void load(), POLL_MS);
  };

  /** @param {any} entry */
  const show = (entry) => {
    shownId = entry.id;
    replace(
      detail,
      h('h3', {}, `${entry.method} ${entry.path} → ${entry.status}`),
      h('h4', {}, 'Body'),
      h(
        'pre',
        { class: 'code body' },
        entry.body === undefined ? '(none)' : JSON.stringify(entry.body, null, 2),
      ),
      h('h4', {}, 'Headers'),
      h('pre', { class: 'code' }, JSON.stringify(entry.headers, null, 2)),
      Object.keys(entry.query ?? {}).length > 0
        ? h('pre', { class: 'code' }, JSON.stringify(entry.query, null, 2))
        : null,
    );
  };

  signal.addEventListener('abort', () => clearTimeout(timer));
  replace(
    root,
    h(
      'div',
      { class: 'journal-view' },
      h(
        'div',
        { class: 'controls' },
        h('label', {}, 'Admin token ', tokenInput),
        h(
          'button',
          {
            type: 'button',
            class: 'use-token',
            onclick: () => {
              setToken('admin', tokenInput.value);
              shownId = undefined;
              void load();
            },
          },
          'Use',
        ),
        h('label', {}, live, ' live'),
        h('label', {}, mine, " this page's own requests"),
      ),
      info.journal
        ? null
        : h(
            'p',
            { class: 'notice' },
            'This server records no requests (the journal is on with --admin-token).',
          ),
      status,
      h('div', { class: 'split' }, list, detail),
    ),
  );
  live.addEventListener('change', () => void load());
  mine.addEventListener('change', () => void load());
  await load();
}
