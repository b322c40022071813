import { REQUEST_SCHEMAS, type TagKeysRequest, type TagValuesRequest } from '../../contract/requests';
import { normalizeFilters } from '../../query/normalize';
import { tagKeys as keysOf, tagValues as valuesOf } from '../../metadata/tags';
import { keysOfCatalogs, valuesOfCatalogs } from '../../metadata/catalog';
import { type EndpointContext, RequestScope, validated } from '../context';
import { sendJson } from '../reply';

/** `POST /tag-keys` → `[{type, text}]`: series labels, label catalogs and table columns (ad hoc filter keys). */
export function tagKeys(ctx: EndpointContext) {
  return validated<TagKeysRequest>(REQUEST_SCHEMAS.tagKeys, async (_body, res, req) => {
    const scope = new RequestScope(ctx, req, res);
    const registry = await scope.registry();
    sendJson(res, keysOf(registry, await keysOfCatalogs(registry, scope)));
  });
}

/** `POST /tag-values {key, filters?}` → `[{text}]`, narrowed by the other active filters. */
export function tagValues(ctx: EndpointContext) {
  return validated<TagValuesRequest>(REQUEST_SCHEMAS.tagValues, async (body, res, req) => {
    const scope = new RequestScope(ctx, req, res);
    const registry = await scope.registry();
    const filters = normalizeFilters(body.filters);
    const fromCatalogs = await valuesOfCatalogs(registry, body.key, scope);
    sendJson(res, valuesOf(registry, body.key, filters, ctx.patterns, fromCatalogs));
  });
}
