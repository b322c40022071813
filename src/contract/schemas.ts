import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { ValidationError } from '../errors';

/** schemas/ at the package root (works from src/ under ts-jest and from dist/ when built). */
export const SCHEMA_DIR = resolve(__dirname, '..', '..', 'schemas');

let compiled: Map<string, ValidateFunction> | undefined;

function createAjv(): Ajv {
  return new Ajv({
    // One error is enough to tell the user what is wrong, and allErrors lets a hostile body make ajv
    // collect an unbounded number of errors (a DoS vector the ajv docs warn about).
    allErrors: false,
    // Grafana payloads carry many fields we do not model; schemas keep additionalProperties open and
    // nothing is removed or coerced: what we read is exactly what was sent.
    removeAdditional: false,
    coerceTypes: false,
    useDefaults: false,
    // Fail at boot on an unknown keyword or a mistyped schema rather than silently accepting everything.
    strict: true,
    // Grafana really does send either type in places (times as ISO strings or epoch ms; payload as an
    // object or ""), so `type: ["string", "number"]` is intended, not a mistake strict mode should flag.
    allowUnionTypes: true,
  });
}

/**
 * Loads every schemas/*.json (each has an `$id`) into one Ajv instance and compiles them all.
 * Runs once; a broken schema throws here, so the server refuses to boot instead of failing on a request.
 */
export function compileSchemas(): Map<string, ValidateFunction> {
  if (compiled !== undefined) return compiled;
  const ajv = createAjv();
  const files = readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const ids: string[] = [];
  for (const file of files) {
    const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as { $id?: unknown };
    if (typeof schema.$id !== 'string') throw new Error(`schemas/${file} has no $id`);
    ajv.addSchema(schema as object);
    ids.push(schema.$id);
  }
  const validators = new Map<string, ValidateFunction>();
  for (const id of ids) {
    const validate = ajv.getSchema(id);
    if (validate === undefined) throw new Error(`schema ${id} did not compile`);
    validators.set(id, validate);
  }
  compiled = validators;
  return validators;
}

/** Turns the first ajv error into `body/targets/0/target must be string`. */
export function describeAjvError(
  error: ErrorObject | undefined,
  root = 'body',
): { message: string; field: string } {
  if (error === undefined) return { message: `${root} is invalid`, field: root };
  let field = root + error.instancePath;
  if (error.keyword === 'required') {
    field = `${field}/${String((error.params as { missingProperty: string }).missingProperty)}`;
    return { message: `${field} is required`, field };
  }
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map((v) =>
      JSON.stringify(v),
    );
    return { message: `${field} must be one of ${allowed.join(', ')}`, field };
  }
  return { message: `${field} ${error.message ?? 'is invalid'}`, field };
}

/**
 * Checks `data` against the schema with this `$id` and returns it typed, or throws a ValidationError
 * that names the offending field (`root` names the document: `body` for requests, a file for fixtures).
 */
export function validate<T>(id: string, data: unknown, root = 'body'): T {
  const validator = compileSchemas().get(id);
  if (validator === undefined) throw new Error(`no schema with $id ${id}`);
  if (validator(data)) return data as T;
  const { message, field } = describeAjvError(validator.errors?.[0], root);
  throw new ValidationError(message, field);
}
