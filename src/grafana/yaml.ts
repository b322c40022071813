/**
 * A Grafana data source provisioning file for fixed settings. A tiny emitter for this one shape: every
 * string is written as a JSON string, which is a valid YAML double-quoted scalar, so no value can
 * break the structure.
 */
import type { DesiredDataSource } from './types';

/**
 * Grafana expands `$NAME` and `${NAME}` in provisioning values and reads `$$` as a literal `$`
 * (docs/sources/administration/provisioning: "Using environment variables").
 */
function literal(value: string): string {
  return JSON.stringify(value.replaceAll('$', '$$$$'));
}

function dataSourceLines(ds: DesiredDataSource, passwordEnv: string): string[] {
  const lines = [
    `  - name: ${literal(ds.name)}`,
    `    type: ${literal(ds.type)}`,
    ...(ds.uid === undefined ? [] : [`    uid: ${literal(ds.uid)}`]),
    `    access: ${literal(ds.access)}`,
    `    url: ${literal(ds.url)}`,
    `    isDefault: ${ds.isDefault}`,
    `    withCredentials: ${ds.withCredentials}`,
    `    basicAuth: ${ds.basicAuthUser !== undefined}`,
  ];
  if (ds.basicAuthUser !== undefined) {
    lines.push(
      `    basicAuthUser: ${literal(ds.basicAuthUser)}`,
      '    secureJsonData:',
      // Not literal(): this `$` is meant for Grafana to expand. `$NAME`, not `${NAME}`: the docs
      // advise it, so a password containing `$` is not expanded twice.
      `      basicAuthPassword: ${JSON.stringify(`$${passwordEnv}`)}`,
    );
  }
  lines.push('    jsonData: {}');
  return lines;
}

/** The whole file, ending with a newline. */
export function provisioningYaml(dataSources: readonly DesiredDataSource[], passwordEnv: string): string {
  const needsPassword = dataSources.some((ds) => ds.basicAuthUser !== undefined);
  return [
    '# Grafana data source provisioning for simplejson-server.',
    "# Put it in Grafana's provisioning/datasources/ directory; Grafana applies it at start.",
    ...(needsPassword ? [`# Grafana must have ${passwordEnv} in its environment.`] : []),
    'apiVersion: 1',
    'datasources:',
    ...dataSources.flatMap((ds) => dataSourceLines(ds, passwordEnv)),
    '',
  ].join('\n');
}
