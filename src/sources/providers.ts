/**
 * The view of a registry with its providers' metrics (registry.addProvider). Each provider's list is kept
 * for its `ttlMs` (default DEFAULT_PROVIDER_TTL_MS), and so is a failure: a provider that is down is asked,
 * and logged, once per period, and meanwhile adds nothing; the endpoints answer from the rest. A list cut
 * short by its request's abort is not kept. The view is a new Registry object whenever a provider's list
 * changed, so answers kept per registry (http/memo.ts) are never stale; while nothing expired the same
 * view is returned. A provided definition that is invalid or whose name is taken is logged and left out.
 */
import type { Registry } from '../registry/registry';
import type { MetricProvider, ProvidedMetrics } from '../registry/types';
import { callReader } from './call';

export const DEFAULT_PROVIDER_TTL_MS = 60_000;

export interface ResolveOptions {
  readonly signal: AbortSignal;
  /** Epoch ms now (the app's clock). */
  readonly now: number;
  readonly log: { error(message: string, error?: unknown): void };
}

interface Kept {
  readonly expires: number;
  readonly list: ProvidedMetrics;
}

interface State {
  readonly kept: Map<MetricProvider, Kept>;
  readonly pending: Map<MetricProvider, Promise<void>>;
  view: Registry | undefined;
  revision: number;
}

const states = new WeakMap<Registry, State>();

const NOTHING: ProvidedMetrics = Object.freeze({});

function stateOf(registry: Registry): State {
  let state = states.get(registry);
  if (state === undefined) {
    state = { kept: new Map(), pending: new Map(), view: undefined, revision: -1 };
    states.set(registry, state);
  }
  return state;
}

async function refresh(state: State, provider: MetricProvider, options: ResolveOptions): Promise<void> {
  const ttl = provider.ttlMs ?? DEFAULT_PROVIDER_TTL_MS;
  try {
    const list = await callReader(
      provider.name,
      options.signal,
      () => provider.list(options.signal),
      'list()',
      'provider',
    );
    state.kept.set(provider, {
      expires: options.now + ttl,
      list: typeof list === 'object' && list !== null ? list : NOTHING,
    });
  } catch (error) {
    if (options.signal.aborted) return; // cut short by this request: the next one asks again
    options.log.error((error as Error).message, (error as Error).cause ?? error);
    state.kept.set(provider, { expires: options.now + ttl, list: NOTHING });
  }
  state.view = undefined;
}

/** The registry with its providers' current metrics; the registry itself when it has no providers. */
export async function resolveProviders(registry: Registry, options: ResolveOptions): Promise<Registry> {
  const providers = registry.providers();
  if (providers.length === 0) return registry;
  const state = stateOf(registry);
  if (state.revision !== registry.revision) {
    state.view = undefined;
    state.revision = registry.revision;
  }
  const due = providers.filter(
    (p) => !(options.now < (state.kept.get(p)?.expires ?? Number.NEGATIVE_INFINITY)),
  );
  await Promise.all(
    due.map((p) => {
      let pending = state.pending.get(p);
      if (pending === undefined) {
        pending = refresh(state, p, options).finally(() => state.pending.delete(p));
        state.pending.set(p, pending);
      }
      return pending;
    }),
  );
  state.view ??= registry.extended((view) => {
    for (const provider of providers)
      addProvided(view, provider, state.kept.get(provider)?.list ?? NOTHING, options);
  });
  return state.view;
}

function addProvided(
  view: Registry,
  provider: MetricProvider,
  list: ProvidedMetrics,
  options: ResolveOptions,
): void {
  const add = (define: () => void, i: number, kind: string) => {
    try {
      define();
    } catch (error) {
      options.log.error(
        `provider ${JSON.stringify(provider.name)}: ${kind} ${i} left out: ${(error as Error).message}`,
        error,
      );
    }
  };
  (Array.isArray(list.series) ? list.series : []).forEach((def, i) =>
    add(() => view.addTimeSeries(def), i, 'series'),
  );
  (Array.isArray(list.tables) ? list.tables : []).forEach((def, i) =>
    add(() => view.addTable(def), i, 'table'),
  );
}
