/**
 * A fixtures directory the server may not read (a volume mounted with a mode the container's user cannot
 * read, a file left at 0600 by another user) is an operator's problem, not a crash: this turns the
 * EACCES/EPERM behind a failed load into one line that names the path and the user the server runs as.
 */
import { FixtureError } from '../errors';

const DENIED = new Set(['EACCES', 'EPERM']);

/** The first EACCES/EPERM system error in `err` or its chain of causes. */
function deniedCause(err: unknown): NodeJS.ErrnoException | undefined {
  const seen = new Set<unknown>();
  for (let e = err; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && DENIED.has(code)) return e as NodeJS.ErrnoException;
  }
  return undefined;
}

/** `uid 1000 (gid 1000)`, or the platform's lack of one. */
function whoAmI(): string {
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  if (uid === undefined) return 'the server';
  return gid === undefined ? `uid ${uid}` : `uid ${uid} (gid ${gid})`;
}

/**
 * A FixtureError saying which path could not be read and as whom, when `err` comes from a permission
 * error; undefined for any other error. `fixtures` is the configured directory, named when the system
 * error carries no path.
 */
export function fixtureAccessError(err: unknown, fixtures: string): FixtureError | undefined {
  const denied = deniedCause(err);
  if (denied === undefined) return undefined;
  const path = denied.path ?? fixtures;
  return new FixtureError(
    `cannot read fixtures ${JSON.stringify(path)}: permission denied (${denied.code}) for ${whoAmI()}; ` +
      'make it readable by that user (e.g. chmod -R a+rX on the host)',
    { cause: err },
  );
}
