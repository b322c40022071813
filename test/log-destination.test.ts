import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogDestination } from '../src/process/log-destination';

const line = (i: number, pad = 0) => `{"n":${i}${' '.repeat(pad)}}\n`;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

/** A write system call that records what it wrote; `fail(call)` may return an error code to throw. */
function fakeFd(fail: (call: number) => string | undefined = () => undefined) {
  const writes: string[] = [];
  let calls = 0;
  return {
    writes,
    calls: () => calls,
    text: () => writes.join(''),
    write: (_fd: number, data: Buffer) => {
      const code = fail(calls++);
      if (code !== undefined) throw errno(code);
      writes.push(data.toString());
      return data.length;
    },
  };
}

describe('LogDestination', () => {
  it('gathers lines into writes of at most chunkBytes, never splitting a line, in order', () => {
    const fd = fakeFd();
    const dest = new LogDestination({ write: fd.write, chunkBytes: 100, flushMs: 60_000 });
    const lines = Array.from({ length: 50 }, (_, i) => line(i, i % 7));
    for (const l of lines) dest.write(l);
    dest.flushSync();
    expect(fd.text()).toBe(lines.join(''));
    expect(fd.writes.length).toBeLessThan(lines.length);
    for (const w of fd.writes) {
      expect(Buffer.byteLength(w)).toBeLessThanOrEqual(100);
      expect(w.endsWith('\n')).toBe(true);
    }
  });

  it('a quiet server: a lone line is written after flushMs, without a flush', async () => {
    const fd = fakeFd();
    const dest = new LogDestination({ write: fd.write, flushMs: 20 });
    dest.write(line(1));
    expect(fd.writes).toEqual([]);
    await wait(80);
    expect(fd.writes).toEqual([line(1)]);
  });

  it('a full pipe (EAGAIN): lines wait and are written in order once the reader reads again', async () => {
    const fd = fakeFd((call) => (call < 3 ? 'EAGAIN' : undefined));
    const dest = new LogDestination({ write: fd.write, chunkBytes: 20, flushMs: 5 });
    const lines = Array.from({ length: 10 }, (_, i) => line(i));
    for (const l of lines) dest.write(l);
    for (let i = 0; i < 100 && fd.text() !== lines.join(''); i++) await wait(10);
    expect(fd.text()).toBe(lines.join(''));
    expect(dest.dropped).toBe(0);
  });

  it('a partial write: the rest of the chunk goes first in the next write', () => {
    const writes: string[] = [];
    const dest = new LogDestination({
      write: (_fd, data) => {
        const n = Math.ceil(data.length / 2);
        writes.push(data.subarray(0, n).toString());
        return n;
      },
      flushMs: 60_000,
    });
    dest.write(line(1, 10));
    dest.write(line(2, 10));
    dest.flushSync();
    expect(writes.join('')).toBe(line(1, 10) + line(2, 10));
  });

  it.each(['EPIPE', 'EBADF', 'EIO'])(
    'the reader is gone (%s): what is queued and every later line is dropped, no more writes',
    (code) => {
      const fd = fakeFd(() => code);
      const dest = new LogDestination({ write: fd.write, chunkBytes: 20, flushMs: 60_000 });
      for (let i = 0; i < 10; i++) dest.write(line(i));
      const calls = fd.calls();
      expect(calls).toBe(1); // the first full chunk found the pipe broken
      for (let i = 0; i < 10; i++) dest.write(line(i));
      dest.flushSync();
      expect(fd.calls()).toBe(calls);
      expect(dest.dropped).toBe(20);
    },
  );

  it('flushSync gives up on a reader that never reads within its budget, dropping the rest', () => {
    const fd = fakeFd(() => 'EAGAIN');
    const dest = new LogDestination({ write: fd.write, flushMs: 60_000 });
    for (let i = 0; i < 3; i++) dest.write(line(i));
    const began = Date.now();
    dest.flushSync(150);
    const took = Date.now() - began;
    expect(took).toBeGreaterThanOrEqual(140);
    expect(took).toBeLessThan(1000);
    expect(dest.dropped).toBe(3);
    expect(fd.calls()).toBeGreaterThan(1); // it did try again while the budget lasted
  });

  it('a reader too far behind: lines past maxQueuedBytes are dropped, not kept', () => {
    let blocked = true;
    const fd = fakeFd(() => (blocked ? 'EAGAIN' : undefined));
    const dest = new LogDestination({
      write: fd.write,
      chunkBytes: 20,
      maxQueuedBytes: 100,
      flushMs: 60_000,
    });
    const lines = Array.from({ length: 20 }, (_, i) => line(i + 10, 1)); // 10 bytes each
    for (const l of lines) dest.write(l);
    blocked = false;
    dest.flushSync();
    expect(fd.text()).toBe(lines.slice(0, 10).join(''));
    expect(dest.dropped).toBe(10);
  });

  it('writes to a real descriptor', () => {
    const dir = mkdtempSync(join(tmpdir(), 'log-destination-'));
    const file = join(dir, 'out.log');
    const fd = openSync(file, 'w');
    try {
      const dest = new LogDestination({ fd, flushMs: 60_000 });
      const lines = Array.from({ length: 500 }, (_, i) => line(i, 20));
      for (const l of lines) dest.write(l);
      dest.flushSync();
      expect(readFileSync(file, 'utf8')).toBe(lines.join(''));
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
