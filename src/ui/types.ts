/**
 * The explorer page's options (AppOptions.ui) and what its server side answers. The page's own code
 * (src/ui/static) reads the same shapes: info.ts builds them, docs/ui.md shows them.
 */

/** What was loaded at start and from where, as the health view shows it. */
export interface FixtureReport {
  /** The fixtures directory (absolute), or a phrase such as "a fixture object" or "a registry built in code". */
  readonly source: string;
  /** The JSON files read, relative to the directory, in load order. */
  readonly files: readonly string[];
  /** The load's warnings (a CSV file nothing reads, a directory without metrics). */
  readonly warnings: readonly string[];
}

export interface UiOptions {
  /** What the health view says was loaded; called per request, so it may follow reloads. */
  readonly fixtures?: () => FixtureReport;
}

/** One metric of the registry, with what the contract's /search does not say. */
export interface UiMetric {
  readonly name: string;
  readonly displayName: string | null;
  readonly kind: 'timeseries' | 'table';
  readonly unit: string | null;
  readonly labels: Readonly<Record<string, string>>;
  /** `stored`, `generated (sine)`, `read by …`; a table's columns. */
  readonly source: string;
  readonly columns?: readonly { readonly text: string; readonly type: string }[];
}

/** One health check of the registry (a declared database): whether it answered, and how fast. */
export interface UiCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly message?: string;
}

/** `GET ui/api/checks`: apart from the info, whose answer the first plot waits for (a check may take seconds). */
export interface UiChecks {
  readonly checks: readonly UiCheck[];
}

/** `GET ui/api/info`. */
export interface UiInfo {
  readonly name: 'simplejson-server';
  readonly version: string;
  /** null when the app was built without a fixture report (createApp with a registry). */
  readonly fixtures: FixtureReport | null;
  readonly metrics: readonly UiMetric[];
  readonly annotationSets: readonly {
    readonly name: string;
    readonly tags: readonly string[];
    readonly events: number;
    readonly recurring: number;
  }[];
  readonly databases: readonly { readonly name: string; readonly dialect: string }[];
  /** Whether requests are recorded (the admin API's `/admin/requests` then lists them). */
  readonly journal: boolean;
  /** The schemes Grafana must use: `basic`, `bearer`; empty when auth is off. */
  readonly auth: readonly ('basic' | 'bearer')[];
  readonly limits: { readonly defaultMaxDataPoints: number; readonly maxDataPointsCeiling: number };
}
