import { ConfigError } from '../errors';
import type { AuthOptions } from '../http/options';
import { type ReadFile, readSecretFile, type Setting } from './settings';

/** The settings (config.ts SETTINGS rows) that configure auth. */
export type AuthFlag =
  | 'basic-auth-user'
  | 'basic-auth-password'
  | 'basic-auth-password-file'
  | 'bearer-token'
  | 'bearer-token-file';

/** Looks a setting up: `[where it came from (flag or env name), raw value]`, or undefined when unset. */
export type Lookup = (flag: AuthFlag) => Setting | undefined;

/** One value from the flag/env or from its `-file` twin; setting both is refused as ambiguous. */
function secret(
  get: Lookup,
  direct: AuthFlag,
  file: AuthFlag,
  read: ReadFile | undefined,
): { source: string; value: string } | undefined {
  const fromValue = get(direct);
  const fromFile = get(file);
  if (fromValue !== undefined && fromFile !== undefined) {
    throw new ConfigError(`set ${fromValue[0]} or ${fromFile[0]}, not both`);
  }
  if (fromFile !== undefined) return { source: fromFile[0], value: readSecretFile(...fromFile, read) };
  return fromValue === undefined ? undefined : { source: fromValue[0], value: fromValue[1] };
}

/**
 * The auth part of the configuration: basic credentials and/or bearer tokens (a token file holds one
 * token per line; blank lines and `#` comments are skipped). Nothing set means auth off (`{}`).
 * Half-configured auth (a user without a password, an empty token file) is a ConfigError: starting
 * open when the operator meant to close the door would be worse than not starting.
 */
export function authFromSettings(get: Lookup, read?: ReadFile): Pick<AuthOptions, 'basic' | 'bearerTokens'> {
  const user = get('basic-auth-user');
  const password = secret(get, 'basic-auth-password', 'basic-auth-password-file', read);
  const auth: { basic?: { user: string; password: string }; bearerTokens?: string[] } = {};
  if (user !== undefined || password !== undefined) {
    if (user === undefined) throw new ConfigError(`${password?.source} is set but --basic-auth-user is not`);
    if (password === undefined || password.value === '') {
      throw new ConfigError(
        `${user[0]} is set but the password is missing or empty (--basic-auth-password or --basic-auth-password-file)`,
      );
    }
    if (user[1].includes(':')) throw new ConfigError(`${user[0]} cannot contain ":" (RFC 7617)`);
    auth.basic = { user: user[1], password: password.value };
  }
  const tokens = tokenList(get('bearer-token'), get('bearer-token-file'), read, 'a bearer token');
  if (tokens !== undefined) auth.bearerTokens = tokens;
  return auth;
}

/**
 * A list of tokens from a setting (one token) or its file twin (one token per line; blank lines and `#`
 * comments skipped); undefined when neither is set. Both set, an empty file or a token with whitespace
 * is a ConfigError naming `what`.
 */
export function tokenList(
  token: Setting | undefined,
  tokenFile: Setting | undefined,
  read: ReadFile | undefined,
  what: string,
): string[] | undefined {
  if (token !== undefined && tokenFile !== undefined) {
    throw new ConfigError(`set ${token[0]} or ${tokenFile[0]}, not both`);
  }
  let tokens: string[] | undefined;
  if (token !== undefined) tokens = [token[1].trim()];
  if (tokenFile !== undefined) {
    tokens = readSecretFile(...tokenFile, read)
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    if (tokens.length === 0)
      throw new ConfigError(`${tokenFile[0]}: ${JSON.stringify(tokenFile[1])} has no token`);
  }
  if (tokens?.some((t) => t === '' || /\s/.test(t))) {
    throw new ConfigError(`${what} cannot be empty or contain whitespace`);
  }
  return tokens;
}
