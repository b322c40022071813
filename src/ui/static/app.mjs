// @ts-check
/* global document, location, window, AbortController */
import { call, setToken } from './api.mjs';
import { connect } from './connect.mjs';
import { h, replace } from './dom.mjs';
import { explore } from './explore.mjs';
import { health } from './health.mjs';
import { journal } from './journal.mjs';

/** @type {HTMLElement} */
const root = /** @type {HTMLElement} */ (document.getElementById('view'));
/** @type {HTMLElement} */
const status = /** @type {HTMLElement} */ (document.getElementById('status'));
/** @type {AbortController | undefined} */
let leaving;

/** Shows the view the hash names (`#explore?…`, `#health`, `#journal`, `#connect`). */
async function route() {
  leaving?.abort();
  const controller = new AbortController();
  leaving = controller;
  const view = /^#(\w+)/.exec(location.hash)?.[1] ?? 'explore';
  for (const a of document.querySelectorAll('nav a')) {
    a.classList.toggle('active', a.getAttribute('data-view') === view);
  }
  document.body.dataset.view = view;
  const info = await call('ui/api/info');
  if (!info.ok) {
    replace(root, h('p', { class: 'error' }, `ui/api/info: ${info.status} ${info.body?.message ?? ''}`));
    return;
  }
  status.textContent = `${info.body.metrics.length} metrics, ${info.body.annotationSets.length} annotation sets`;
  try {
    if (view === 'health') await health(root, info.body);
    else if (view === 'journal') await journal(root, info.body, controller.signal);
    else if (view === 'connect') await connect(root);
    else await explore(root, info.body);
    document.body.dataset.ready = view;
  } catch (err) {
    replace(root, h('p', { class: 'error' }, String(err)));
  }
}

document.getElementById('api-token-save')?.addEventListener('click', () => {
  const input = /** @type {HTMLInputElement} */ (document.getElementById('api-token'));
  setToken('api', input.value);
  /** @type {HTMLElement} */ (document.getElementById('token-bar')).hidden = true;
  void route();
});
window.addEventListener('hashchange', () => {
  // The explore view rewrites its own hash as its state changes; only a change of view re-renders.
  const view = /^#(\w+)/.exec(location.hash)?.[1] ?? 'explore';
  if (view !== document.body.dataset.view) void route();
});
void route();
