/**
 * Errors of the `grafana` commands. Low-level ones carry what happened (a status, a network code);
 * `provision.ts` turns them into one sentence that names the cause and the fix.
 */

/** Grafana answered with a status the caller did not expect. `grafanaMessage` is its `{ message }`. */
export class GrafanaApiError extends Error {
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly grafanaMessage: string;

  constructor(status: number, method: string, path: string, grafanaMessage: string) {
    super(`Grafana answered ${status} to ${method} ${path}: ${JSON.stringify(grafanaMessage)}`);
    this.name = 'GrafanaApiError';
    this.status = status;
    this.method = method;
    this.path = path;
    this.grafanaMessage = grafanaMessage;
  }
}

/** No HTTP answer at all: refused, unknown host, TLS, timeout. */
export class UnreachableError extends Error {
  readonly url: string;
  readonly reason: string;

  constructor(url: string, reason: string, cause: unknown) {
    super(`cannot reach ${url}: ${reason}`, { cause });
    this.name = 'UnreachableError';
    this.url = url;
    this.reason = reason;
  }
}

/** A 2xx answer that is not the JSON the API documents (often a login page behind a wrong base URL). */
export class NotJsonError extends Error {
  constructor(url: string, contentType: string) {
    super(
      `${url} answered ${contentType || 'a body'} instead of JSON: is --grafana-url the Grafana root URL ` +
        '(with its sub-path, if Grafana is served under one)?',
    );
    this.name = 'NotJsonError';
  }
}

/** A provision step failed; the message is complete and safe to print. */
export class ProvisionError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ProvisionError';
  }
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
};

/** A field of an error-like value. Duck-typed: errors from fetch may come from another realm (jest). */
function field(err: unknown, key: 'code' | 'name' | 'message' | 'cause'): unknown {
  return typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[key] : undefined;
}

function codeOf(err: unknown, depth = 0): string | undefined {
  const code = field(err, 'code');
  if (typeof code === 'string') return code;
  return depth < 5 && field(err, 'cause') !== undefined ? codeOf(field(err, 'cause'), depth + 1) : undefined;
}

/** Why a fetch got no answer, in words: `connection refused (ECONNREFUSED)`. */
export function networkReason(err: unknown, timeoutMs: number): string {
  const name = field(err, 'name');
  if (name === 'TimeoutError' || name === 'AbortError') {
    return `no answer within ${timeoutMs / 1000} s (timeout)`;
  }
  const code = codeOf(err);
  if (code !== undefined) {
    const known = NETWORK_CODES[code];
    if (known !== undefined) return `${known} (${code})`;
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS|SSL/.test(code)) {
      return `TLS certificate not trusted (${code}); point NODE_EXTRA_CA_CERTS at the CA file`;
    }
    return code;
  }
  // undici: TypeError "fetch failed" whose cause says why ("bad port", "invalid method"...).
  const cause = field(err, 'cause') ?? err;
  const message = field(cause, 'message');
  return typeof message === 'string' && message !== '' ? message : String(cause);
}
