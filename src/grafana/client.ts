/**
 * A small client for Grafana's Data source HTTP API, on Node's global fetch. Every call has a
 * bounded timeout; every non-2xx answer becomes a GrafanaApiError carrying Grafana's `{ message }`.
 */
import { GrafanaApiError, NotJsonError, networkReason, UnreachableError } from './errors';
import type { CreateBody, GrafanaDataSource, MutationAnswer, UpdateBody } from './types';

/** How this tool logs in to Grafana: a service account token, or a Grafana user. */
export type GrafanaAuth =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'basic'; readonly user: string; readonly password: string };

export function authorizationHeader(auth: GrafanaAuth): string {
  return auth.kind === 'token'
    ? `Bearer ${auth.token}`
    : `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
}

/** How the login is described in output: never the secret itself. */
export function describeAuth(auth: GrafanaAuth): string {
  return auth.kind === 'token' ? 'service account token' : `user ${JSON.stringify(auth.user)}`;
}

export interface ClientOptions {
  /** Grafana's root URL, with its sub-path if it has one (`https://example.com/grafana`). */
  readonly baseUrl: string;
  readonly auth: GrafanaAuth;
  readonly timeoutMs: number;
}

export interface RawAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** Grafana's error text: `{ message }` when the body has one, else the HTTP status text. */
export function messageOf(body: unknown, statusText: string): string {
  if (typeof body === 'object' && body !== null) {
    const message = (body as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message;
  }
  return statusText;
}

/** GETs `url` with a timeout and parses JSON when the answer is JSON. Throws UnreachableError only. */
export async function fetchJson(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  timeoutMs: number,
): Promise<RawAnswer & { readonly statusText: string; readonly contentType: string }> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    text = await response.text();
  } catch (err) {
    throw new UnreachableError(url, networkReason(err, timeoutMs), err);
  }
  const contentType = response.headers.get('content-type') ?? '';
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, statusText: response.statusText, contentType, body };
}

export class GrafanaClient {
  readonly baseUrl: string;
  private readonly auth: GrafanaAuth;
  private readonly timeoutMs: number;

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.auth = options.auth;
    this.timeoutMs = options.timeoutMs;
  }

  /** One API call. Answers any status; throws on no answer, or on a 2xx that is not JSON. */
  async send(method: string, path: string, body?: unknown): Promise<RawAnswer & { statusText: string }> {
    const url = `${this.baseUrl}${path}`;
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: authorizationHeader(this.auth),
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const answer = await fetchJson(
      url,
      body === undefined ? { method, headers } : { method, headers, body: JSON.stringify(body) },
      this.timeoutMs,
    );
    if (answer.status >= 200 && answer.status < 300 && answer.body === undefined) {
      throw new NotJsonError(url, answer.contentType);
    }
    return answer;
  }

  private async expectOk<T>(method: string, path: string, body?: unknown): Promise<T> {
    const answer = await this.send(method, path, body);
    if (answer.status < 200 || answer.status >= 300) {
      throw new GrafanaApiError(answer.status, method, path, messageOf(answer.body, answer.statusText));
    }
    return answer.body as T;
  }

  /** `GET /api/datasources/name/:name`; undefined when Grafana answers 404. */
  async findByName(name: string): Promise<GrafanaDataSource | undefined> {
    const path = `/api/datasources/name/${encodeURIComponent(name)}`;
    const answer = await this.send('GET', path);
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) {
      throw new GrafanaApiError(answer.status, 'GET', path, messageOf(answer.body, answer.statusText));
    }
    return answer.body as GrafanaDataSource;
  }

  /** `POST /api/datasources`. */
  create(body: CreateBody): Promise<MutationAnswer> {
    return this.expectOk('POST', '/api/datasources', body);
  }

  /** `PUT /api/datasources/uid/:uid` (the uid the data source has now; the body may carry a new one). */
  update(uid: string, body: UpdateBody): Promise<MutationAnswer> {
    return this.expectOk('PUT', `/api/datasources/uid/${encodeURIComponent(uid)}`, body);
  }

  /** `GET /api/datasources/uid/:uid/health`, any status: frontend-only plugins have no health check. */
  health(uid: string): Promise<RawAnswer & { statusText: string }> {
    return this.send('GET', `/api/datasources/uid/${encodeURIComponent(uid)}/health`);
  }
}
