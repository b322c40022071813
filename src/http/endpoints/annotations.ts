import { REQUEST_SCHEMAS, type AnnotationsRequest } from '../../contract/requests';
import { queryAnnotations } from '../../metadata/annotations';
import { resolveRange } from '../../time/range';
import { type EndpointContext, RequestScope, validated } from '../context';
import { sendJson } from '../reply';

/**
 * `POST /annotations` (legacy client): events overlapping the range whose tags match `annotation.query`.
 * `isRegion` is sent for Grafana < 8, which did not derive it from `timeEnd`.
 */
export function annotations(ctx: EndpointContext) {
  return validated<AnnotationsRequest>(REQUEST_SCHEMAS.annotations, async (body, res, req) => {
    const range = resolveRange(body.range, body.rangeRaw, ctx.options.clock);
    const scope = new RequestScope(ctx, req, res);
    const registry = await scope.registry();
    const query = body.annotation?.query ?? '';
    const matches = await queryAnnotations(registry, range, query, ctx.patterns, scope);
    sendJson(
      res,
      matches.map(({ event }) => ({
        ...(body.annotation === undefined ? {} : { annotation: body.annotation }),
        time: event.time,
        ...(event.timeEnd === undefined
          ? {}
          : { timeEnd: event.timeEnd, isRegion: event.timeEnd !== event.time }),
        title: event.title,
        text: event.text,
        tags: event.tags,
      })),
    );
  });
}
