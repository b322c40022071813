// @ts-check
/* global sessionStorage, fetch, performance, location, URL, document */
/**
 * Calls to the server, all by relative URL: the page lives at `<contract>/ui/`, so `../query` is the
 * contract's /query wherever it is mounted. A bearer token typed by the user is kept in sessionStorage.
 */

const TOKEN_KEY = 'simplejson-server.token';
const ADMIN_KEY = 'simplejson-server.admin-token';
/** Sent with every call of the page, so the journal view can leave them out. */
export const PAGE_HEADER = 'X-Simplejson-Ui';

/** @param {'api' | 'admin'} which */
export function token(which) {
  return sessionStorage.getItem(which === 'api' ? TOKEN_KEY : ADMIN_KEY) ?? '';
}

/**
 * @param {'api' | 'admin'} which
 * @param {string} value
 */
export function setToken(which, value) {
  const key = which === 'api' ? TOKEN_KEY : ADMIN_KEY;
  if (value === '') sessionStorage.removeItem(key);
  else sessionStorage.setItem(key, value);
}

/** The contract's base URL as seen from here (`http://host:8080/grafana`), without a trailing slash. */
export function baseUrl() {
  return new URL('..', location.href).href.replace(/\/$/, '');
}

/**
 * @typedef {{ status: number, ok: boolean, body: any, ms: number, url: string, auth: string | null }} Answer
 */

/**
 * GET or POST a path relative to the contract (`search`, `ui/api/info`, `admin/requests`).
 * @param {string} path
 * @param {unknown} [body] sent as JSON with POST when given
 * @param {{ admin?: boolean }} [options] admin: send the admin token instead of the API token
 * @returns {Promise<Answer>}
 */
export async function call(path, body, options = {}) {
  const url = new URL(`../${path}`, location.href).href;
  /** @type {Record<string, string>} */
  const headers = { [PAGE_HEADER]: '1', Accept: 'application/json' };
  const secret = token(options.admin === true ? 'admin' : 'api');
  if (secret !== '') headers.Authorization = `Bearer ${secret}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const started = performance.now();
  const res = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const ms = Math.round(performance.now() - started);
  let parsed;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = text;
  }
  if (res.status === 401 && options.admin !== true) askForToken(res.headers.get('WWW-Authenticate') ?? '');
  return { status: res.status, ok: res.ok, body: parsed, ms, url, auth: res.headers.get('WWW-Authenticate') };
}

/** Shows the token bar when the server asks for a bearer token the page does not have. */
function askForToken(/** @type {string} */ challenge) {
  if (!/bearer/i.test(challenge)) return;
  const bar = document.getElementById('token-bar');
  if (bar !== null) bar.hidden = false;
}

/**
 * The curl command that sends the same request. Credentials are left as shell variables.
 * @param {string} path
 * @param {unknown} body
 * @param {readonly string[]} auth the server's auth schemes (ui/api/info)
 */
export function curl(path, body, auth) {
  const json = JSON.stringify(body).replaceAll("'", "'\\''");
  const parts = [`curl -s -X POST '${new URL(`../${path}`, location.href).href}'`];
  parts.push(`-H 'Content-Type: application/json'`);
  if (auth.includes('basic')) parts.push(`-u "$USER:$PASSWORD"`);
  else if (auth.includes('bearer')) parts.push(`-H "Authorization: Bearer $TOKEN"`);
  parts.push(`-d '${json}'`);
  return parts.join(' \\\n  ');
}
