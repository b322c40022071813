import type { ServerResponse } from 'node:http';

const CALLBACKS = Symbol('on response done');

type Tracked = ServerResponse & { [CALLBACKS]?: Array<(res: ServerResponse) => void> | undefined };

function runCallbacks(this: Tracked): void {
  const callbacks = this[CALLBACKS];
  if (callbacks === undefined) return;
  this[CALLBACKS] = undefined;
  for (const callback of callbacks) callback(this);
}

/**
 * Runs `callback` once when the response is over. A ServerResponse emits `close` exactly once, after
 * `finish` when it was sent, or when its connection went away first. Every guard of a request shares one
 * `close` listener (a listener costs more than an array slot on this hot path); callbacks run in the
 * order they were added, with the response (so a shared function needs no closure per request).
 */
export function onResponseDone<R extends ServerResponse>(res: R, callback: (res: R) => void): void {
  const tracked = res as Tracked;
  const callbacks = tracked[CALLBACKS];
  if (callbacks !== undefined) {
    callbacks.push(callback as (res: ServerResponse) => void);
    return;
  }
  tracked[CALLBACKS] = [callback as (res: ServerResponse) => void];
  res.once('close', runCallbacks);
}
