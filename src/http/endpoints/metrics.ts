import {
  REQUEST_SCHEMAS,
  type MetricPayloadOptionsRequest,
  type MetricsRequest,
} from '../../contract/requests';
import { listMetrics } from '../../metadata/metrics';
import { normalizePayload } from '../../query/normalize';
import { builderSelection, payloadOptions } from '../../metadata/payload-options';
import { type EndpointContext, RequestScope, validated } from '../context';
import { sendJson } from '../reply';

/** `POST /metrics {metric?, payload?}` → `[{value, label, payloads}]`: the builder's metric dropdown. */
export function metrics(ctx: EndpointContext) {
  return validated<MetricsRequest>(REQUEST_SCHEMAS.metrics, async (body, res, req) => {
    const registry = await new RequestScope(ctx, req, res).registry();
    sendJson(res, listMetrics(registry, body.metric, ctx.patterns));
  });
}

/** `POST /metric-payload-options {metric, payload, name}` → `[{label, value}]`: one builder field's choices. */
export function metricPayloadOptions(ctx: EndpointContext) {
  return validated<MetricPayloadOptionsRequest>(
    REQUEST_SCHEMAS.metricPayloadOptions,
    async (body, res, req) => {
      const opts = ctx.patterns;
      const registry = await new RequestScope(ctx, req, res).registry();
      const selection = builderSelection(registry, body.metric, opts);
      const payload = normalizePayload(body.payload === undefined ? {} : { payload: body.payload });
      sendJson(res, payloadOptions(selection, payload, body.name, opts));
    },
  );
}
