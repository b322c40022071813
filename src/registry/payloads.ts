/**
 * Payload fields a metric declares for the JSON (simpod) data source's builder mode (docs/client-contract.md §3.4):
 * `/metrics` lists them, `/metric-payload-options` answers their options, and `/query` checks the values a
 * query sends and applies a `select` option's value transform. Declarations are checked once, when the
 * metric is added to the registry, so a bad one stops the load instead of surfacing on a request.
 */
import { FixtureError } from '../errors';

export const PAYLOAD_FIELD_TYPES = ['select', 'multi-select', 'input', 'textarea'] as const;
/** How the builder renders a field; the client's default is `input`. */
export type PayloadFieldType = (typeof PAYLOAD_FIELD_TYPES)[number];

/** Payload names the server interprets itself for every metric; a declared field may not take them. */
export const RESERVED_PAYLOAD_NAMES: readonly string[] = ['aggregation', 'format'];

/** One choice of a `select` / `multi-select` field. */
export interface PayloadOptionDefinition {
  readonly value: string;
  /** Shown in the dropdown instead of `value`. */
  readonly label?: string;
  /**
   * A `select` option of a time series may rescale it: every value becomes `value × scale + offset`, and
   * `unit` replaces the metric's unit (°C → °F is `scale: 1.8, offset: 32, unit: "fahrenheit"`).
   */
  readonly scale?: number;
  readonly offset?: number;
  readonly unit?: string;
}

/** A declared payload field, with the properties the client reads (simpod openapi `MetricPayloadConfig`). */
export interface PayloadFieldDefinition {
  readonly name: string;
  readonly label?: string;
  readonly type?: PayloadFieldType;
  /** Required for `select` and `multi-select`, refused for `input` and `textarea`. */
  readonly options?: readonly PayloadOptionDefinition[];
  readonly placeholder?: string;
  /** Width of the control in units of 8 px. */
  readonly width?: number;
  /** The client asks /metrics again when the field changes. */
  readonly reloadMetric?: boolean;
}

/** Whether an option carries a value transform. */
export function hasTransform(option: PayloadOptionDefinition): boolean {
  return option.scale !== undefined || option.offset !== undefined || option.unit !== undefined;
}

/** Reports a bad declaration at `field`; the fixture loader passes one that also names the file. */
export type PayloadFail = (field: string, message: string) => never;

const registryFail: PayloadFail = (field, message) => {
  throw new FixtureError(message, { field });
};

function checkOption(
  option: PayloadOptionDefinition,
  type: PayloadFieldType,
  where: string,
  allowTransforms: boolean,
  fail: PayloadFail,
): void {
  if (typeof option.value !== 'string' || option.value === '') {
    fail(`${where}/value`, 'option value must be a non-empty string');
  }
  if (!hasTransform(option)) return;
  if (type !== 'select' || !allowTransforms) {
    fail(where, 'scale, offset and unit are only allowed on the options of a time series select field');
  }
  for (const key of ['scale', 'offset'] as const) {
    const n = option[key];
    if (n !== undefined && !Number.isFinite(n)) fail(`${where}/${key}`, `${key} must be a finite number`);
  }
}

function checkField(
  field: PayloadFieldDefinition,
  where: string,
  allowTransforms: boolean,
  fail: PayloadFail,
): void {
  if (typeof field.name !== 'string' || field.name === '') {
    fail(`${where}/name`, 'payload field name must be a non-empty string');
  }
  if (RESERVED_PAYLOAD_NAMES.includes(field.name)) {
    fail(`${where}/name`, `payload field name ${JSON.stringify(field.name)} is reserved (built in)`);
  }
  const type = field.type ?? 'input';
  if (!(PAYLOAD_FIELD_TYPES as readonly string[]).includes(type)) {
    fail(`${where}/type`, `unknown payload field type ${JSON.stringify(type)}`);
  }
  const choice = type === 'select' || type === 'multi-select';
  const options = field.options ?? [];
  if (choice && options.length === 0) fail(`${where}/options`, `a ${type} field needs options`);
  if (!choice && field.options !== undefined) fail(`${where}/options`, `an ${type} field takes no options`);
  const seen = new Set<string>();
  options.forEach((option, i) => {
    checkOption(option, type, `${where}/options/${i}`, allowTransforms, fail);
    if (seen.has(option.value))
      fail(`${where}/options/${i}`, `duplicate option ${JSON.stringify(option.value)}`);
    seen.add(option.value);
  });
  if (field.width !== undefined && !(Number.isInteger(field.width) && field.width > 0)) {
    fail(`${where}/width`, 'width must be a positive integer');
  }
}

/**
 * Checks the payload fields a metric declares and returns a frozen copy. Names must be unique and not
 * reserved; choice fields need options with unique values; value transforms are only allowed on the
 * `select` options of a time series (`allowTransforms`). `where` prefixes every reported field
 * (`temperature.Berlin` in the registry, `series/3` in a fixture file).
 *
 * @throws FixtureError naming `<where>/payloads/<i>/...` (or whatever `fail` throws).
 */
export function checkPayloadFields(
  where: string,
  fields: readonly PayloadFieldDefinition[] | undefined,
  allowTransforms: boolean,
  fail: PayloadFail = registryFail,
): readonly PayloadFieldDefinition[] {
  const names = new Set<string>();
  (fields ?? []).forEach((field, i) => {
    const at = `${where}/payloads/${i}`;
    checkField(field, at, allowTransforms, fail);
    if (names.has(field.name)) fail(`${at}/name`, `duplicate payload field ${JSON.stringify(field.name)}`);
    names.add(field.name);
  });
  return Object.freeze([...(fields ?? [])]);
}
