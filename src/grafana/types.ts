/**
 * The shapes this tool exchanges with Grafana's Data source HTTP API
 * (https://grafana.com/docs/grafana/latest/developers/http_api/data_source/).
 */

/** Grafana plugin ids of the two clients this server answers. */
export const PLUGIN_TYPES = {
  simpod: 'simpod-json-datasource',
  legacy: 'grafana-simple-json-datasource',
} as const;

export type PluginKind = keyof typeof PLUGIN_TYPES;
export type PluginType = (typeof PLUGIN_TYPES)[PluginKind];
export type Access = 'proxy' | 'direct';

export function isPluginType(type: string): type is PluginType {
  return Object.values(PLUGIN_TYPES).includes(type as PluginType);
}

/**
 * The fields this tool manages on a data source: the command line is their source of truth on every
 * run. Everything else (jsonData, other secrets, orgId) is left as Grafana has it.
 */
export interface DesiredDataSource {
  readonly name: string;
  readonly type: PluginType;
  /** A fixed uid; undefined lets Grafana pick one (and keeps the existing one on update). */
  readonly uid: string | undefined;
  readonly access: Access;
  /** How Grafana (proxy) or the browser (direct) reaches this server. */
  readonly url: string;
  /** The basic auth user Grafana sends to this server; undefined turns basic auth off. */
  readonly basicAuthUser: string | undefined;
  readonly withCredentials: boolean;
  readonly isDefault: boolean;
}

/**
 * A data source as Grafana answers it (GET by name or uid, and `datasource` in create/update answers).
 * Open-ended: every Grafana version adds fields, and an update must send them back.
 */
export interface GrafanaDataSource {
  readonly id: number;
  readonly uid: string;
  readonly name: string;
  readonly type: string;
  readonly access: string;
  readonly url: string;
  readonly orgId?: number;
  readonly user?: string;
  readonly database?: string;
  readonly basicAuth?: boolean;
  readonly basicAuthUser?: string;
  readonly withCredentials?: boolean;
  readonly isDefault?: boolean;
  readonly jsonData?: Record<string, unknown> | null;
  /** Which secrets Grafana holds (`{ basicAuthPassword: true }`); never their values. */
  readonly secureJsonFields?: Record<string, boolean>;
  readonly version?: number;
  readonly readOnly?: boolean;
  readonly [key: string]: unknown;
}

/** The body of `POST /api/datasources`. */
export interface CreateBody {
  name: string;
  type: PluginType;
  access: Access;
  url: string;
  basicAuth: boolean;
  basicAuthUser: string;
  withCredentials: boolean;
  isDefault: boolean;
  jsonData: Record<string, unknown>;
  uid?: string;
  /** Write-only: Grafana encrypts it and only ever answers `secureJsonFields`. */
  secureJsonData?: { basicAuthPassword: string };
}

/**
 * The body of `PUT /api/datasources/uid/:uid`. Grafana replaces the whole row with it (fields left out
 * become empty), so it carries the existing model; `version` is Grafana's optimistic lock.
 */
export interface UpdateBody extends CreateBody {
  id: number;
  uid: string;
  user: string;
  database: string;
  version?: number;
}

/** What create and update answer: `{ datasource, id, message, name }`. */
export interface MutationAnswer {
  readonly datasource: GrafanaDataSource;
  readonly id: number;
  readonly message: string;
  readonly name: string;
}
