import { AppError } from '../../src/errors';

/** What an error's answer would say. */
export interface ErrorFacts {
  name: string;
  code: string;
  message: string;
  field: string | undefined;
}

/** The facts of the AppError (of `kind`) that `run` throws; anything else, or nothing thrown, fails the test. */
export function thrownFacts(
  run: () => unknown,
  kind: abstract new (...args: never[]) => AppError = AppError,
): ErrorFacts {
  try {
    run();
  } catch (err) {
    if (!(err instanceof kind)) throw err;
    return { name: err.name, code: err.code, message: err.message, field: err.field };
  }
  throw new Error(`expected a ${kind.name}, nothing was thrown`);
}
