/** Turns a failed API call into one sentence naming the cause and the fix. */
import { GrafanaApiError, NotJsonError, ProvisionError, UnreachableError } from './errors';

/** The provision step a call belonged to. */
export type Step =
  | { readonly kind: 'lookup'; readonly name: string }
  | { readonly kind: 'create'; readonly name: string; readonly uid: string | undefined }
  | { readonly kind: 'update'; readonly name: string; readonly uid: string };

const VERB = { lookup: 'look up', create: 'create', update: 'update' } as const;
/** Grafana's RBAC action behind each step (data_source.md, "Required permissions"). */
const PERMISSION = {
  lookup: 'datasources:read',
  create: 'datasources:create',
  update: 'datasources:write',
} as const;

function apiSentence(err: GrafanaApiError, step: Step, grafanaUrl: string): string {
  const said = `(${err.status} ${JSON.stringify(err.grafanaMessage)})`;
  const what = `data source ${JSON.stringify(step.name)}`;
  switch (err.status) {
    case 401:
      return (
        `Grafana rejected the login ${said}: check --grafana-token (GRAFANA_TOKEN), ` +
        'or --grafana-user and --grafana-password'
      );
    case 403:
      if (/read-?only/i.test(err.grafanaMessage)) {
        return `${what} is read-only in Grafana ${said}: it comes from a provisioning file; change that file, or pick another --name`;
      }
      return (
        `Grafana refused to ${VERB[step.kind]} ${what} ${said}: the token or user lacks the ` +
        `${PERMISSION[step.kind]} permission; give the service account the Admin role`
      );
    case 404:
      if (step.kind === 'update') {
        return `${what} (uid ${step.uid}) vanished before it could be updated ${said}: it was deleted meanwhile; run the command again`;
      }
      return `Grafana has no ${err.method} ${err.path} ${said}: is --grafana-url (${grafanaUrl}) the Grafana root URL?`;
    case 409:
      if (step.kind === 'create' && /uid/i.test(err.grafanaMessage)) {
        return `cannot create ${what}: uid ${JSON.stringify(step.uid)} is taken by another data source ${said}; choose another --uid, or leave it out`;
      }
      if (/name/i.test(err.grafanaMessage)) {
        return `cannot ${VERB[step.kind]} ${what}: another data source already has that name ${said}; run the command again, or choose another --name`;
      }
      if (step.kind === 'update') {
        return `${what} was changed by someone else during the update ${said}; run the command again`;
      }
      return `cannot create ${what}: conflict ${said}`;
    default:
      return `Grafana answered ${err.status} to ${err.method} ${err.path} while trying to ${VERB[step.kind]} ${what}: ${JSON.stringify(err.grafanaMessage)}`;
  }
}

/** A ProvisionError for any failure of a step; other errors pass through untouched. */
export function explain(err: unknown, step: Step, grafanaUrl: string): unknown {
  if (err instanceof GrafanaApiError) return new ProvisionError(apiSentence(err, step, grafanaUrl), err);
  if (err instanceof UnreachableError) {
    return new ProvisionError(
      `cannot reach Grafana at ${grafanaUrl}: ${err.reason}; check --grafana-url and that Grafana is running`,
      err,
    );
  }
  if (err instanceof NotJsonError) return new ProvisionError(err.message, err);
  return err;
}
