/**
 * `GET ui/api/connect?url=…`: how to point Grafana at this server, for the URL Grafana reaches it by
 * (the page proposes its own). The provisioning YAML is the one `simplejson-server grafana yaml` prints
 * (src/grafana/yaml.ts); the Infinity data source follows docs/provisioning/infinity/datasource.yaml.
 */
import { AppError } from '../errors';
import { DEFAULT_NAME, DEFAULT_PASSWORD_ENV, httpUrl, LEGACY_SUFFIX } from '../grafana/options';
import { type DesiredDataSource, PLUGIN_TYPES } from '../grafana/types';
import { provisioningYaml } from '../grafana/yaml';
import type { AuthOptions } from '../http/options';

export const INFINITY_TYPE = 'yesoreyeram-infinity-datasource';

export interface ConnectAnswer {
  readonly url: string;
  readonly plugins: readonly { readonly name: string; readonly type: string; readonly url: string }[];
  /** Both SimpleJSON plugins, as `grafana yaml --type both` prints them. */
  readonly yaml: string;
  readonly infinityYaml: string;
  readonly commands: { readonly provision: string; readonly yaml: string };
}

/** A YAML double-quoted scalar with Grafana's `$` expansion escaped (as src/grafana/yaml.ts writes them). */
function literal(value: string): string {
  return JSON.stringify(value.replaceAll('$', '$$$$'));
}

function infinityYaml(url: string, auth: AuthOptions): string {
  const lines = [
    '# Grafana provisioning: an Infinity data source whose base URL is simplejson-server.',
    "# Put it in Grafana's provisioning/datasources/ directory; Grafana applies it at start.",
    'apiVersion: 1',
    'datasources:',
    `  - name: ${literal(`${DEFAULT_NAME} (Infinity)`)}`,
    `    type: ${literal(INFINITY_TYPE)}`,
    '    access: "proxy"',
    `    url: ${literal(url)}`,
    '    jsonData:',
    '      # Infinity only calls the hosts listed here once the list is not empty.',
    '      allowedHosts:',
    `        - ${literal(url)}`,
  ];
  if (auth.basic !== undefined) {
    lines.push(
      '      auth_method: "basicAuth"',
      `    basicAuth: true`,
      `    basicAuthUser: ${literal(auth.basic.user)}`,
      '    secureJsonData:',
      `      basicAuthPassword: ${JSON.stringify(`$${DEFAULT_PASSWORD_ENV}`)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A shell word: bare when it is plain, else single-quoted. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

export function connectAnswer(rawUrl: unknown, auth: AuthOptions): ConnectAnswer {
  if (typeof rawUrl !== 'string' || rawUrl === '') {
    throw new AppError('INVALID_BODY', 'url must be given once, e.g. ?url=http://simplejson:8080', {
      field: 'query/url',
    });
  }
  let url: string;
  try {
    url = httpUrl('url', rawUrl);
  } catch (err) {
    throw new AppError('INVALID_BODY', (err as Error).message, { field: 'query/url' });
  }
  const user = auth.basic?.user;
  const common = {
    uid: undefined,
    access: 'proxy',
    url,
    basicAuthUser: user,
    withCredentials: false,
  } as const;
  const dataSources: DesiredDataSource[] = [
    { ...common, name: DEFAULT_NAME, type: PLUGIN_TYPES.simpod, isDefault: false },
    { ...common, name: `${DEFAULT_NAME}${LEGACY_SUFFIX}`, type: PLUGIN_TYPES.legacy, isDefault: false },
  ];
  const userFlag = user === undefined ? '' : ` --basic-auth-user ${shellWord(user)}`;
  return {
    url,
    plugins: [
      { name: 'JSON (simpod-json-datasource)', type: PLUGIN_TYPES.simpod, url },
      { name: 'SimpleJSON (legacy)', type: PLUGIN_TYPES.legacy, url },
      { name: 'Infinity (URL of each query: /query)', type: INFINITY_TYPE, url },
    ],
    yaml: provisioningYaml(dataSources, DEFAULT_PASSWORD_ENV),
    infinityYaml: infinityYaml(url, auth),
    commands: {
      provision:
        `simplejson-server grafana provision --grafana-url http://localhost:3000 --grafana-token "$GRAFANA_TOKEN"` +
        ` --url ${shellWord(url)} --type both${userFlag}` +
        (user === undefined ? '' : ` --basic-auth-password "$${DEFAULT_PASSWORD_ENV}"`),
      yaml: `simplejson-server grafana yaml --url ${shellWord(url)} --type both${userFlag} > datasource.yaml`,
    },
  };
}
