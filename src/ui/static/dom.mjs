// @ts-check
/* global document, navigator, setTimeout */
/** Small DOM helpers: elements are built with textContent and properties, never from HTML strings. */

/**
 * @typedef {string | number | boolean | ((event: Event) => void) | undefined} AttrValue
 * @typedef {Node | string | number | null | undefined | false} Child
 */

/**
 * An element with attributes (`on…` are listeners, `class`, `for` and `data-*` as in HTML) and children.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, AttrValue>} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class' || name === 'for' || name.startsWith('data-') || name.startsWith('aria-'))
      el.setAttribute(name, String(value));
    else if (value === true) el.setAttribute(name, '');
    else /** @type {any} */ (el)[name] = value;
  }
  append(el, children.flat());
  return el;
}

/**
 * @param {Element} el
 * @param {Child[]} children
 */
export function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'number' ? String(child) : child);
  }
}

/**
 * Replaces the children of `el`.
 * @param {Element} el
 * @param {...(Child | Child[])} children
 */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children.flat());
}

/**
 * A table from a header row and rows of cells.
 * @param {readonly string[]} head
 * @param {readonly (readonly Child[])[]} rows
 * @param {string} [cls]
 */
export function table(head, rows, cls) {
  return h(
    'table',
    { class: cls },
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', {}, c)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))),
  );
}

/**
 * A `<pre>` with a copy button.
 * @param {string} text
 * @param {string} label
 */
export function copyable(text, label = 'Copy') {
  const pre = h('pre', { class: 'code' }, text);
  const button = h(
    'button',
    {
      type: 'button',
      class: 'copy',
      onclick: () => void copyText(text, button),
    },
    label,
  );
  return h('div', { class: 'copyable' }, button, pre);
}

/**
 * Copies to the clipboard; says so on the button.
 * @param {string} text
 * @param {HTMLButtonElement} button
 */
export async function copyText(text, button) {
  const before = button.textContent;
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Select and copy (clipboard refused)';
  }
  setTimeout(() => (button.textContent = before), 1500);
}
