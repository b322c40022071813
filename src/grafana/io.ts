/** Where the commands write: injected, so tests capture lines and nothing calls process.exit. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export const consoleIo: Io = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

/**
 * Replaces every secret in every line with `***`: a last guard, should one ever reach a message.
 * Secrets shorter than 4 characters are left alone, or ordinary words would be masked.
 */
export function redacting(io: Io, secrets: readonly (string | undefined)[]): Io {
  const list = secrets.filter((s): s is string => s !== undefined && s.length >= 4);
  const clean = (line: string) => list.reduce((acc, s) => acc.split(s).join('***'), line);
  return { out: (line) => io.out(clean(line)), err: (line) => io.err(clean(line)) };
}
