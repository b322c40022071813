/** Pure request building: from the wanted settings (and what Grafana has) to API bodies. */
import type { CreateBody, DesiredDataSource, GrafanaDataSource, UpdateBody } from './types';

/** The `POST /api/datasources` body. The password goes only in write-only `secureJsonData`. */
export function createBody(want: DesiredDataSource, basicAuthPassword: string | undefined): CreateBody {
  const body: CreateBody = {
    name: want.name,
    type: want.type,
    access: want.access,
    url: want.url,
    basicAuth: want.basicAuthUser !== undefined,
    basicAuthUser: want.basicAuthUser ?? '',
    withCredentials: want.withCredentials,
    isDefault: want.isDefault,
    jsonData: {},
  };
  if (want.uid !== undefined) body.uid = want.uid;
  if (want.basicAuthUser !== undefined && basicAuthPassword !== undefined) {
    body.secureJsonData = { basicAuthPassword };
  }
  return body;
}

/**
 * The `PUT /api/datasources/uid/:uid` body: the existing model (id, uid, version, jsonData, user,
 * database) with the managed fields replaced. Secrets not sent are kept by Grafana.
 */
export function updateBody(
  have: GrafanaDataSource,
  want: DesiredDataSource,
  basicAuthPassword: string | undefined,
): UpdateBody {
  const body: UpdateBody = {
    ...createBody(want, basicAuthPassword),
    id: have.id,
    uid: want.uid ?? have.uid,
    user: have.user ?? '',
    database: have.database ?? '',
    jsonData: { ...(have.jsonData ?? {}) },
  };
  if (typeof have.version === 'number') body.version = have.version;
  return body;
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/**
 * What an update would change, one phrase per field (`url "http://a" → "http://b"`); empty when the
 * data source already matches. A new password always counts: Grafana never shows the stored one.
 */
export function changes(
  have: GrafanaDataSource,
  want: DesiredDataSource,
  basicAuthPassword: string | undefined,
): string[] {
  const body = updateBody(have, want, basicAuthPassword);
  const pairs: [string, unknown, unknown][] = [
    ['uid', have.uid, body.uid],
    ['type', have.type, body.type],
    ['access', have.access, body.access],
    ['url', have.url, body.url],
    ['basicAuth', have.basicAuth ?? false, body.basicAuth],
    ['basicAuthUser', have.basicAuthUser ?? '', body.basicAuthUser],
    ['withCredentials', have.withCredentials ?? false, body.withCredentials],
    ['isDefault', have.isDefault ?? false, body.isDefault],
  ];
  const out = pairs.filter(([, a, b]) => a !== b).map(([k, a, b]) => `${k} ${show(a)} → ${show(b)}`);
  if (body.secureJsonData !== undefined) out.push('basic auth password set');
  return out;
}
