/** Help texts of the `grafana` command group. */
import { DEFAULT_NAME, DEFAULT_PASSWORD_ENV, DEFAULT_TIMEOUT_S } from './options';

const DATA_SOURCE_HELP = `Data source:
  --url URL                    how Grafana (or, with --access direct, the browser) reaches this server,
                               e.g. http://simplejson:8080 (required)
  --name NAME                  data source name, default ${DEFAULT_NAME}
  --type simpod|legacy|both    simpod: the JSON plugin (simpod-json-datasource, default);
                               legacy: SimpleJSON (grafana-simple-json-datasource);
                               both: one of each, the legacy one named NAME-legacy
  --access proxy|direct        proxy (Grafana's server calls us, default) or direct (the browser does)
  --uid UID                    fixed uid (1-40 of a-z A-Z 0-9 - _), so dashboards can refer to it
  --basic-auth-user USER       basic auth that Grafana sends to this server   env SIMPLEJSON_BASIC_AUTH_USER
  --with-credentials           send cookies/auth with browser requests (direct access)
  --default                    make it the organisation's default data source`;

export const GROUP_USAGE = `Usage: simplejson-server grafana <command> [options]

Wire this server into Grafana as a SimpleJSON / JSON data source.

Commands:
  provision   create or update the data source through Grafana's HTTP API, then health-check it
  yaml        print a Grafana provisioning file (provisioning/datasources/*.yaml)

Run "simplejson-server grafana <command> --help" for its options. Docs: docs/grafana.md`;

export const PROVISION_USAGE = `Usage: simplejson-server grafana provision --grafana-url URL --url URL [options]

Creates the data source, or updates it when one with that name exists (the same run twice changes
nothing), then asks Grafana to health-check it. Flags win over env vars.

Grafana:
  --grafana-url URL            Grafana's root URL, e.g. http://grafana:3000   env GRAFANA_URL (required)
  --grafana-token TOKEN        service account token (role Admin, or datasources:create + write)
                                                                              env GRAFANA_TOKEN
  --grafana-user USER          or log in as a Grafana user                    env GRAFANA_USER
  --grafana-password PASS                                                     env GRAFANA_PASSWORD
  --grafana-password-file F    read it from a file (Docker secrets)           env GRAFANA_PASSWORD_FILE
  --timeout SECONDS            per request, default ${DEFAULT_TIMEOUT_S}

${DATA_SOURCE_HELP}
  --basic-auth-password PASS   stored encrypted by Grafana                    env ${DEFAULT_PASSWORD_ENV}
  --basic-auth-password-file F read it from a file (Docker secrets)

Health:
  --skip-health-check          do not check the data source after saving it
  --require-health             exit 1 when neither Grafana nor a direct GET / confirms it works

Exit status: 0 saved, 1 Grafana refused or could not be reached, 2 bad options.`;

export const YAML_USAGE = `Usage: simplejson-server grafana yaml --url URL [options] > datasource.yaml

Prints a Grafana data source provisioning file. Secrets are written as env var references
($${DEFAULT_PASSWORD_ENV}) for Grafana to expand, never as values.

${DATA_SOURCE_HELP}
  --basic-auth-password-env N  env var Grafana reads the password from, default ${DEFAULT_PASSWORD_ENV}`;
