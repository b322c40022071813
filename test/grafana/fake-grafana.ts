/**
 * Test double of Grafana's Data source HTTP API on 127.0.0.1, port 0: the documented routes, status
 * codes and JSON bodies (docs/sources/developers/http_api/data_source.md; messages from
 * pkg/api/datasources.go and pkg/services/datasources/errors.go), data sources in memory, the
 * Authorization header checked against RBAC actions. Used by the tests only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

interface Stored {
  id: number;
  uid: string;
  orgId: number;
  name: string;
  type: string;
  access: string;
  url: string;
  user: string;
  database: string;
  basicAuth: boolean;
  basicAuthUser: string;
  withCredentials: boolean;
  isDefault: boolean;
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
  version: number;
  readOnly: boolean;
}

export const ALL_ACTIONS = [
  'datasources:read',
  'datasources:create',
  'datasources:write',
  'datasources:query',
];

interface Login {
  readonly actions: readonly string[];
}

type Answer = { readonly status: number; readonly body: unknown };

export class FakeGrafana {
  readonly requests: Recorded[] = [];
  readonly stored = new Map<number, Stored>();
  /** Service account tokens (`Authorization: Bearer`) and what they may do. */
  readonly tokens = new Map<string, Login>([
    ['admin-token', { actions: ALL_ACTIONS }],
    ['viewer-token', { actions: ['datasources:read', 'datasources:query'] }],
  ]);
  /** Users for basic auth: `user:password`. */
  readonly users = new Map<string, Login>([['admin:admin-pass', { actions: ALL_ACTIONS }]]);
  /** What `/health` answers for a frontend-only plugin (Grafana 9-11: 404 "Plugin not found"). */
  health: Answer = { status: 404, body: { message: 'Plugin not found' } };
  /** One-shot answers for the next request matching `METHOD /path-prefix`. */
  private readonly overrides: { match: string; answer: Answer }[] = [];
  private nextId = 1;
  private server: Server | undefined;
  url = '';

  static async start(): Promise<FakeGrafana> {
    const fake = new FakeGrafana();
    const server = createServer((req, res) => {
      fake.handle(req, res).catch((err: unknown) => send(res, 500, { message: String(err) }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.server = server;
    fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fake;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }

  /** Makes the next request whose `METHOD path` starts with `match` answer `status` and `body`. */
  failNext(match: string, status: number, body: unknown): void {
    this.overrides.push({ match, answer: { status, body } });
  }

  /** Puts a data source in, as if made in the UI (or by a provisioning file with `readOnly`). */
  seed(fields: Partial<Stored> & { name: string; type: string }): Stored {
    return Object.assign(this.insert(fields), fields);
  }

  list(): Stored[] {
    return [...this.stored.values()];
  }

  private insert(body: Record<string, unknown>): Stored {
    const ds = fromBody(body, this.nextId++);
    this.stored.set(ds.id, ds);
    this.onlyDefault(ds);
    return ds;
  }

  /** Grafana's updateIsDefaultFlag: one default per organisation. */
  private onlyDefault(ds: Stored): void {
    if (!ds.isDefault) return;
    for (const other of this.stored.values()) if (other !== ds) other.isDefault = false;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body: unknown = text === '' ? undefined : JSON.parse(text);
    const method = req.method ?? 'GET';
    const path = decodeURI(req.url ?? '/');
    this.requests.push({ method, path, authorization: req.headers.authorization, body });

    const index = this.overrides.findIndex((o) => `${method} ${path}`.startsWith(o.match));
    const override = index >= 0 ? this.overrides.splice(index, 1)[0] : undefined;
    if (override !== undefined) return send(res, override.answer.status, override.answer.body);
    const login = this.login(req.headers.authorization);
    if ('status' in login) return send(res, login.status, login.body);
    const answer = this.route(method, req.url ?? '/', body as Record<string, unknown>, login);
    send(res, answer.status, answer.body);
  }

  private login(header: string | undefined): Login | Answer {
    const [scheme, value = ''] = (header ?? '').split(' ');
    if (scheme === 'Bearer') {
      return this.tokens.get(value) ?? unauthorized('Invalid API key', 'api-key.invalid');
    }
    if (scheme === 'Basic') {
      const pair = Buffer.from(value, 'base64').toString('utf8');
      return this.users.get(pair) ?? unauthorized('Invalid username or password', 'password-auth.failed');
    }
    return unauthorized('Unauthorized', 'auth.unauthorized');
  }

  private route(method: string, rawPath: string, body: Record<string, unknown>, login: Login): Answer {
    const m = /^\/api\/datasources(?:\/(name|uid)\/([^/]+)(\/health)?)?$/.exec(rawPath);
    if (m === null) return { status: 404, body: { message: 'Not found' } };
    const [, by, key = '', health] = m;
    const id = decodeURIComponent(key);
    const need = (action: string): Answer | undefined =>
      login.actions.includes(action) ? undefined : forbidden(action);
    if (by === undefined && method === 'POST') return need('datasources:create') ?? this.create(body);
    if (by === 'name' && method === 'GET') return need('datasources:read') ?? this.byName(id);
    if (by === 'uid' && health !== undefined && method === 'GET') {
      return need('datasources:query') ?? this.checkHealth(id);
    }
    if (by === 'uid' && method === 'PUT') return need('datasources:write') ?? this.update(id, body);
    return { status: 404, body: { message: 'Not found' } };
  }

  private byName(name: string): Answer {
    const ds = this.list().find((d) => d.name === name);
    return ds === undefined ? notFound() : { status: 200, body: dto(ds) };
  }

  private create(body: Record<string, unknown>): Answer {
    if (this.list().some((d) => d.name === body.name)) {
      return { status: 409, body: { message: 'data source with the same name already exists' } };
    }
    if (typeof body.uid === 'string' && this.list().some((d) => d.uid === body.uid)) {
      return { status: 409, body: { message: 'data source with the same uid already exists' } };
    }
    const ds = this.insert(body);
    return {
      status: 200,
      body: { datasource: dto(ds), id: ds.id, message: 'Datasource added', name: ds.name },
    };
  }

  private update(uid: string, body: Record<string, unknown>): Answer {
    const ds = this.list().find((d) => d.uid === uid);
    if (ds === undefined) return notFound();
    if (ds.readOnly) return { status: 403, body: { message: 'Cannot update read-only data source' } };
    if (this.list().some((d) => d !== ds && d.name === body.name)) {
      return {
        status: 409,
        body: { message: 'Failed to update datasource: data source with the same name already exists' },
      };
    }
    // Optimistic lock (sqlstore UpdateDataSource): a stale non-zero version is refused.
    const version = typeof body.version === 'number' ? body.version : 0;
    if (version !== 0 && version < ds.version) {
      return {
        status: 409,
        body: { message: 'Datasource has already been updated by someone else. Please reload and try again' },
      };
    }
    // The row is replaced: fields the body leaves out become empty; secrets not sent are kept.
    const secrets = { ...ds.secureJsonData, ...((body.secureJsonData as Record<string, string>) ?? {}) };
    Object.assign(ds, fromBody({ uid: ds.uid, ...body }, ds.id), {
      secureJsonData: secrets,
      version: version === 0 ? ds.version + 1 : version + 1,
    });
    this.onlyDefault(ds);
    return {
      status: 200,
      body: { datasource: dto(ds), id: ds.id, message: 'Datasource updated', name: ds.name },
    };
  }

  private checkHealth(uid: string): Answer {
    if (!this.list().some((d) => d.uid === uid)) {
      return { status: 500, body: { message: 'Unable to load datasource metadata' } };
    }
    return this.health;
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A row from a create/update body: what the body leaves out is empty, as in Grafana's table. */
function fromBody(body: Record<string, unknown>, id: number): Stored {
  return {
    id,
    uid: typeof body.uid === 'string' && body.uid !== '' ? body.uid : `gen${id}abcdefghi`,
    orgId: 1,
    name: str(body.name),
    type: str(body.type),
    access: str(body.access) || 'proxy',
    url: str(body.url),
    user: str(body.user),
    database: str(body.database),
    basicAuth: body.basicAuth === true,
    basicAuthUser: str(body.basicAuthUser),
    withCredentials: body.withCredentials === true,
    isDefault: body.isDefault === true,
    jsonData: (body.jsonData as Record<string, unknown> | null | undefined) ?? {},
    secureJsonData: { ...((body.secureJsonData as Record<string, string> | undefined) ?? {}) },
    version: 1,
    readOnly: false,
  };
}

/** The DTO Grafana answers: `secureJsonFields` says which secrets exist, never their values. */
function dto(ds: Stored): Record<string, unknown> {
  const { secureJsonData, ...rest } = ds;
  const secureJsonFields = Object.fromEntries(Object.keys(secureJsonData).map((k) => [k, true]));
  return { ...rest, typeLogoUrl: '', secureJsonFields };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

const notFound = (): Answer => ({ status: 404, body: { message: 'Data source not found' } });

const unauthorized = (message: string, messageId: string): Answer => ({
  status: 401,
  body: { message, messageId, statusCode: 401, traceID: '' },
});

/** The access control middleware's answer (pkg/api/accesscontrol.go deny). */
const forbidden = (action: string): Answer => ({
  status: 403,
  body: {
    accessErrorId: 'ACE0123456789',
    message: `You'll need additional permissions to perform this action. Permissions needed: ${action}`,
    title: 'Access denied',
  },
});
