import { writeSync } from 'node:fs';

/**
 * Bytes gathered before a write. At most PIPE_BUF (4096 on Linux): a write of up to that many bytes to
 * a pipe is atomic, so the lines of `--workers` processes sharing one stdout never interleave.
 */
const CHUNK_BYTES = 4096;
/** Longest a line waits in memory when the server is quiet. */
const FLUSH_MS = 100;
/** Lines kept while the reader is slow; beyond this, new lines are dropped rather than kept forever. */
const MAX_QUEUED_BYTES = 4 * 2 ** 20;
/** Pause between tries while the reader is slow (the pipe is full). */
const RETRY_MS = 20;
/** Longest the final flush on exit waits for a slow reader before it drops what is left. */
export const EXIT_FLUSH_MS = 1000;

export interface LogDestinationOptions {
  /** Default 1 (stdout). */
  readonly fd?: number;
  readonly chunkBytes?: number;
  readonly flushMs?: number;
  readonly maxQueuedBytes?: number;
  /** The write system call, replaceable in tests; returns the bytes written, throws like fs.writeSync. */
  readonly write?: (fd: number, data: Buffer) => number;
}

/**
 * Where the server's log lines go: a pino destination that gathers lines and writes them in chunks of
 * up to 4 KiB, from the main thread, to a non-blocking descriptor. A write never waits for the reader:
 *
 * - the pipe is full (EAGAIN): the chunk stays queued and is tried again shortly; past 4 MiB queued, new
 *   lines are dropped;
 * - nobody reads any more (EPIPE, e.g. `simplejson-server | head -1` after head exits) or any other
 *   error: everything queued and every later line is dropped, for good;
 * - `flushSync` (run on process exit) writes what is left, waiting at most `budgetMs` for a slow reader.
 *
 * So the last lines of a clean shutdown are written, and a gone or stuck stdout can never hold the
 * process: pino's own stdout stream retries a broken pipe forever in its exit handler (sonic-boom 4).
 */
export class LogDestination {
  private readonly fd: number;
  private readonly chunkBytes: number;
  private readonly flushMs: number;
  private readonly maxQueuedBytes: number;
  private readonly writeFd: (fd: number, data: Buffer) => number;
  /** Lines not yet in a chunk. */
  private lines = '';
  private linesBytes = 0;
  /** Chunks waiting for the reader, oldest first; the first may be partly written. */
  private readonly chunks: Buffer[] = [];
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private broken = false;
  private droppedLines = 0;

  constructor(options: LogDestinationOptions = {}) {
    this.fd = options.fd ?? 1;
    this.chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
    this.flushMs = options.flushMs ?? FLUSH_MS;
    this.maxQueuedBytes = options.maxQueuedBytes ?? MAX_QUEUED_BYTES;
    this.writeFd = options.write ?? writeSync;
  }

  /** Lines dropped so far (reader gone, or too far behind). */
  get dropped(): number {
    return this.droppedLines;
  }

  /** Called by pino with one line, newline included. */
  write(line: string): boolean {
    if (this.broken) {
      this.droppedLines++;
      return true;
    }
    const bytes = Buffer.byteLength(line);
    if (this.queuedBytes + this.linesBytes + bytes > this.maxQueuedBytes) {
      this.droppedLines++;
      return true;
    }
    if (this.linesBytes > 0 && this.linesBytes + bytes > this.chunkBytes) {
      this.cut();
      if (this.drain() && this.broken) {
        this.droppedLines++;
        return true;
      }
    }
    this.lines += line;
    this.linesBytes += bytes;
    if (this.linesBytes >= this.chunkBytes) {
      this.cut();
      this.drain();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(this.onTimer, this.flushMs);
      this.timer.unref(); // the exit hook writes what a pending timer would have
    }
    return true;
  }

  /** Writes everything queued, waiting at most `budgetMs` for a slow reader; then drops the rest. */
  flushSync(budgetMs = EXIT_FLUSH_MS): void {
    this.stopTimer();
    this.cut();
    const deadline = Date.now() + budgetMs;
    while (!this.drain()) {
      const left = deadline - Date.now();
      if (left <= 0) {
        this.dropAll();
        return;
      }
      sleep(Math.min(RETRY_MS, left));
    }
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.cut();
    this.drain();
  };

  /** Turns the gathered lines into a chunk. */
  private cut(): void {
    if (this.linesBytes === 0) return;
    this.chunks.push(Buffer.from(this.lines));
    this.queuedBytes += this.linesBytes;
    this.lines = '';
    this.linesBytes = 0;
  }

  /** Writes queued chunks until done (true) or the reader is full (false, retried on a timer). */
  private drain(): boolean {
    while (this.chunks.length > 0) {
      const chunk = this.chunks[0] as Buffer;
      let written: number;
      try {
        written = this.writeFd(this.fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
          if (this.timer === undefined) {
            this.timer = setTimeout(this.onTimer, RETRY_MS);
            this.timer.unref();
          }
          return false;
        }
        this.broken = true;
        this.dropAll();
        return true;
      }
      this.queuedBytes -= written;
      if (written < chunk.length) this.chunks[0] = chunk.subarray(written);
      else this.chunks.shift();
    }
    return true;
  }

  private dropAll(): void {
    this.stopTimer();
    for (const chunk of this.chunks) this.droppedLines += countLines(chunk);
    this.droppedLines += countLines(this.lines);
    this.chunks.length = 0;
    this.queuedBytes = 0;
    this.lines = '';
    this.linesBytes = 0;
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function countLines(text: string | Buffer): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread for `ms` (only on exit, where the event loop no longer runs). */
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

let stdout: LogDestination | undefined;

/**
 * The destination for the process's stdout, one per process (two would reorder each other's lines),
 * flushed on exit within EXIT_FLUSH_MS. Reading `process.stdout.fd` first makes Node open a pipe on
 * stdout in non-blocking mode, so a reader that has stopped reading answers EAGAIN instead of blocking
 * the write.
 */
export function stdoutDestination(): LogDestination {
  if (stdout !== undefined) return stdout;
  const destination = new LogDestination({ fd: process.stdout.fd });
  process.once('exit', () => destination.flushSync());
  stdout = destination;
  return destination;
}
