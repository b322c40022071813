import { REQUEST_SCHEMAS, type TagKeysRequest, type TagValuesRequest } from '../../contract/requests';
import { normalizeFilters } from '../../query/normalize';
import { tagKeys as keysOf, tagValues as valuesOf } from '../../metadata/tags';
import { type EndpointContext, validated } from '../context';
import { sendJson } from '../reply';

/** `POST /tag-keys` → `[{type, text}]`: series labels and table columns (ad hoc filter keys). */
export function tagKeys(ctx: EndpointContext) {
  return validated<TagKeysRequest>(REQUEST_SCHEMAS.tagKeys, (_body, res) => {
    sendJson(res, keysOf(ctx.registry()));
  });
}

/** `POST /tag-values {key, filters?}` → `[{text}]`, narrowed by the other active filters. */
export function tagValues(ctx: EndpointContext) {
  return validated<TagValuesRequest>(REQUEST_SCHEMAS.tagValues, (body, res) => {
    sendJson(res, valuesOf(ctx.registry(), body.key, normalizeFilters(body.filters), ctx.patterns));
  });
}
