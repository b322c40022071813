/**
 * The read side of fault injection: what a matched fault does to one read of a metric (wait, fail with the
 * fault's status, cut the connection), the errors that carry it through the /query pipeline, and the
 * reader wrappers of a fixture's always-on `fault`. The rules themselves live in faults.ts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { InjectedFaultError, SourceError } from '../errors';
import { ClientGone, type Subject } from '../sources/call';
import type { ReadRequest, SeriesAnswer, SeriesReader, TableAnswer, TableReader } from '../sources/types';

/** What a fault does once it matched: wait, then answer an error, cut the connection, or go on. */
export interface FaultEffect {
  /** Wait this long first (ms); the request's timeout and its client going away still end it. */
  readonly delayMs?: number;
  /** 400-599: answer it with `{code: 'INJECTED_FAULT', message}`. */
  readonly status?: number;
  /** The error's message; default `injected fault <id>`. */
  readonly message?: string;
  /** Destroy the connection instead of answering (the client sees a reset, "socket hang up"). */
  readonly drop?: boolean;
}

/**
 * A read that a fault failed, in place of the source's answer: the target carries it as its error, and
 * when every target failed the request is answered with the fault's status and code INJECTED_FAULT.
 */
export class InjectedSourceError extends SourceError {
  override readonly statusCode: number;
  readonly fault: string;
  constructor(fault: string, metric: string, subject: Subject, status: number, message: string) {
    const text = `${subject} ${JSON.stringify(metric)}: ${message}`;
    super('INJECTED_FAULT', metric, text, new InjectedFaultError(fault, status, message));
    this.statusCode = status;
    this.fault = fault;
  }
}

/** Why a read ended when its fault cut the connection: like a client gone, nobody is left to answer. */
export class ConnectionDropped extends ClientGone {
  readonly fault: string;
  constructor(fault: string) {
    super();
    this.name = 'ConnectionDropped';
    this.message = `connection dropped by injected fault ${fault}`;
    this.fault = fault;
  }
}

/** Whether a read's error asks for its connection to be destroyed. */
export function isDropped(error: unknown): boolean {
  return error instanceof SourceError && error.cause instanceof ConnectionDropped;
}

/**
 * Acts out a fault before `metric` is read: waits its delay (rejecting when `signal` fires), then throws
 * an InjectedSourceError for a status, or the drop error (see isDropped); resolves when the read may go on.
 */
export async function injectFault(
  id: string,
  effect: FaultEffect,
  metric: string,
  subject: Subject,
  signal: AbortSignal,
): Promise<void> {
  if (effect.delayMs !== undefined && effect.delayMs > 0) await sleep(effect.delayMs, undefined, { signal });
  if (effect.status !== undefined) {
    const message = effect.message ?? `injected fault ${id}`;
    throw new InjectedSourceError(id, metric, subject, effect.status, message);
  }
  if (effect.drop === true) {
    const dropped = new ConnectionDropped(id);
    throw new SourceError(
      'INJECTED_FAULT',
      metric,
      `${subject} ${JSON.stringify(metric)}: ${dropped.message}`,
      dropped,
    );
  }
}

/** The message of a fixture's fault that names none. */
export const FIXTURE_FAULT_MESSAGE = 'injected fault declared by the fixture';

/** Why an effect whose fields are well typed cannot act, and the field to blame: undefined when it can. */
export function effectProblem(effect: FaultEffect): { field: string; message: string } | undefined {
  if (effect.drop === true && effect.status !== undefined) {
    return { field: 'drop', message: 'drop excludes status: a dropped connection answers nothing' };
  }
  if ((effect.delayMs ?? 0) === 0 && effect.status === undefined && effect.drop !== true) {
    return { field: 'delayMs', message: 'the fault does nothing: give delayMs, status or drop' };
  }
  return undefined;
}

/** A fixture fault as its reads apply it: id `fixture:<name>`, the default message filled in. */
export function fixtureFault(name: string, fault: FaultEffect): ReadFault {
  const effect = fault.status === undefined ? fault : { message: FIXTURE_FAULT_MESSAGE, ...fault };
  return { id: `fixture:${name}`, effect };
}

/**
 * A series reader behind an always-on fault (a fixture's `fault`): every read of `metric` waits, fails or
 * drops first. Its other parts (prepared, labels, describe) stay; its readNow does not, the read waits.
 */
export function faultySeriesReader(reader: SeriesReader, metric: string, fault: FaultEffect): SeriesReader {
  const { id, effect } = fixtureFault(metric, fault);
  const read = async (request: ReadRequest): Promise<SeriesAnswer> => {
    await injectFault(id, effect, metric, 'metric', request.signal);
    return reader.readNow === undefined ? reader.read(request) : reader.readNow(request);
  };
  return { ...partsOf(reader), read, ...(reader.labels === undefined ? {} : { labels: reader.labels }) };
}

/** faultySeriesReader for a table's reader. */
export function faultyTableReader(reader: TableReader, metric: string, fault: FaultEffect): TableReader {
  const { id, effect } = fixtureFault(metric, fault);
  const read = async (request: ReadRequest): Promise<TableAnswer> => {
    await injectFault(id, effect, metric, 'metric', request.signal);
    return reader.read(request);
  };
  return { ...partsOf(reader), read };
}

function partsOf(reader: SeriesReader | TableReader): Pick<TableReader, 'prepared' | 'describe'> {
  return {
    ...(reader.prepared === undefined ? {} : { prepared: reader.prepared }),
    ...(reader.describe === undefined ? {} : { describe: reader.describe }),
  };
}

/** A matched rule as the /query pipeline applies it (query/sourced.ts). */
export interface ReadFault {
  readonly id: string;
  readonly effect: FaultEffect;
}

/** The metric and target rules of one /query: each call that answers a fault counts a hit and logs it. */
export interface ReadFaults {
  /** The first target rule matching the target text (one hit per target). */
  target(text: string): ReadFault | undefined;
  /** The first metric rule naming `name` (one hit per read). */
  metric(name: string): ReadFault | undefined;
}
