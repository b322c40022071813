/**
 * InfluxDB v1 line protocol, as Telegraf's InfluxDB output sends it (POST /write?db=telegraf, text/plain):
 *
 *     measurement[,tag=value…] field=value[,field=value…] [timestamp]
 *
 * - Each numeric field of a line is one point of the series `measurement.field`, labelled by the line's tags.
 *   Floats (`0.5`, `-1e3`), integers (`5i`), unsigned integers (`5u`) and booleans (`t`/`T`/`true`/`True`/
 *   `TRUE`, `f`/… → 1/0) are numbers; string fields (`"…"`, with `\"` and `\\`) are skipped and counted.
 * - In the measurement, tag keys, tag values and field keys `\,` `\ ` `\=` stand for the character; any other
 *   backslash is kept as written (as InfluxDB does). A point is one line: Telegraf escapes newlines in strings.
 * - Lines starting with `#` and blank lines are skipped; CRLF is accepted.
 * - The timestamp is optional (missing: `now`), in the request's precision, converted to epoch ms on its
 *   digits (19-digit nanoseconds are past 2^53), rounded toward -∞.
 * The whole text is refused on its first bad line: a WriteError `line N: …` (N counts every line).
 * Written as charCode scans with the parsed measurement + tag set cached by its raw text: Telegraf repeats the
 * same few series keys on every line of a batch.
 */
import { WriteError } from '../errors';
import { describeValue } from '../time/describe';
import { BatchCollector, MAX_NAME_LENGTH } from './json-points';
import type { IngestBatch, IngestSeries } from './types';

/** The `precision` values of InfluxDB's /write (v1: n u ms s m h; v2 spellings ns us too). */
export const PRECISIONS = ['ns', 'n', 'us', 'u', 'ms', 's', 'm', 'h'] as const;
export type Precision = (typeof PRECISIONS)[number];

export function isPrecision(text: string): text is Precision {
  return (PRECISIONS as readonly string[]).includes(text);
}

/** The longest line accepted unless the caller says otherwise (characters, CR excluded). */
export const DEFAULT_MAX_LINE_LENGTH = 65_536;

export interface LineProtocolOptions {
  readonly precision: Precision;
  /** Epoch ms given to the points of a line without a timestamp. */
  readonly now: number;
  readonly maxLineLength?: number;
}

/** A parsed batch, and how many string fields were skipped (they are not numbers). */
export interface LineProtocolBatch extends IngestBatch {
  readonly skippedStrings: number;
}

/** A timestamp is `digits / 10^drop * multiply` ms. */
const SCALES: Readonly<Record<Precision, { readonly drop: number; readonly multiply: number }>> = {
  ns: { drop: 6, multiply: 1 },
  n: { drop: 6, multiply: 1 },
  us: { drop: 3, multiply: 1 },
  u: { drop: 3, multiply: 1 },
  ms: { drop: 0, multiply: 1 },
  s: { drop: 0, multiply: 1000 },
  m: { drop: 0, multiply: 60_000 },
  h: { drop: 0, multiply: 3_600_000 },
};

const BACKSLASH = 92;
const SPACE = 32;
const TAB = 9;
const COMMA = 44;
const EQUALS = 61;
const QUOTE = 34;
const MINUS = 45;

const INT64_MAX = '9223372036854775807';
const INT64_MIN_ABS = '9223372036854775808';
const UINT64_MAX = '18446744073709551615';

const BOOLEANS: ReadonlyMap<string, number> = new Map([
  ...['t', 'T', 'true', 'True', 'TRUE'].map((w) => [w, 1] as const),
  ...['f', 'F', 'false', 'False', 'FALSE'].map((w) => [w, 0] as const),
]);

/** A field of a series key: the series it feeds (made at its first number) and the last line it was on. */
interface FieldSlot {
  readonly name: string;
  series: IngestSeries | undefined;
  line: number;
}

/** The parsed measurement and tag set of one raw series key. */
interface SeriesHead {
  readonly measurement: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly fields: Map<string, FieldSlot>;
}

/** Parses a line protocol body into a batch; throws WriteError on the first bad line. */
export function parseLineProtocol(text: string, options: LineProtocolOptions): LineProtocolBatch {
  return new LineParser(text, options).parse();
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Is the decimal integer text[start, end) above `max` (a digit string without leading zeros)? */
function digitsAbove(text: string, start: number, end: number, max: string): boolean {
  while (start < end - 1 && text.charCodeAt(start) === 48) start++;
  const length = end - start;
  if (length !== max.length) return length > max.length;
  return text.slice(start, end) > max;
}

class LineParser {
  readonly #text: string;
  readonly #now: number;
  readonly #maxLine: number;
  readonly #drop: number;
  readonly #multiply: number;
  readonly #collector = new BatchCollector();
  readonly #heads = new Map<string, SeriesHead>();
  /** The current line's fields and values, kept until its timestamp is read. */
  readonly #slots: FieldSlot[] = [];
  readonly #values: number[] = [];
  #line = 0;
  #skipped = 0;

  constructor(text: string, options: LineProtocolOptions) {
    this.#text = text;
    this.#now = options.now;
    this.#maxLine = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    const scale = SCALES[options.precision];
    this.#drop = scale.drop;
    this.#multiply = scale.multiply;
  }

  parse(): LineProtocolBatch {
    const text = this.#text;
    const n = text.length;
    let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    while (pos < n) {
      this.#line++;
      const newline = text.indexOf('\n', pos);
      let end = newline === -1 ? n : newline;
      if (end > pos && text.charCodeAt(end - 1) === 13) end--;
      if (end - pos > this.#maxLine) this.#fail(`longer than ${this.#maxLine} characters`);
      this.#parseLine(pos, end);
      pos = newline === -1 ? n : newline + 1;
    }
    return { ...this.#collector.batch(), skippedStrings: this.#skipped };
  }

  #fail(message: string): never {
    throw new WriteError(`line ${this.#line}: ${message}`, `body/line/${this.#line}`);
  }

  #parseLine(start: number, end: number): void {
    const text = this.#text;
    let i = start;
    let c = 0;
    while (i < end && ((c = text.charCodeAt(i)) === SPACE || c === TAB)) i++;
    if (i === end || c === 35 /* # */) return;

    const keyStart = i;
    while (i < end) {
      c = text.charCodeAt(i);
      if (c === BACKSLASH) i += 2;
      else if (c === SPACE) break;
      else i++;
    }
    if (i > end) i = end;
    const rawKey = text.slice(keyStart, i);
    let head = this.#heads.get(rawKey);
    if (head === undefined) {
      head = this.#parseKey(keyStart, i);
      this.#heads.set(rawKey, head);
    }
    while (i < end && text.charCodeAt(i) === SPACE) i++;
    if (i === end) this.#fail('missing field set');

    let count = 0;
    for (;;) {
      const fieldStart = i;
      while (i < end) {
        c = text.charCodeAt(i);
        if (c === BACKSLASH) i += 2;
        else if (c === EQUALS || c === COMMA || c === SPACE) break;
        else i++;
      }
      if (i > end) i = end;
      if (i === fieldStart) this.#fail('missing field key');
      if (i === end || c !== EQUALS) {
        this.#fail(`missing "=" after field key ${describeValue(this.#unescape(fieldStart, i))}`);
      }
      const rawField = text.slice(fieldStart, i);
      let slot = head.fields.get(rawField);
      if (slot === undefined) {
        slot = { name: this.#unescape(fieldStart, i), series: undefined, line: 0 };
        head.fields.set(rawField, slot);
      }
      if (slot.line === this.#line) this.#fail(`duplicate field ${describeValue(slot.name)}`);
      slot.line = this.#line;
      i++;

      const valueStart = i;
      if (i < end && text.charCodeAt(i) === QUOTE) {
        for (i++; ;) {
          if (i >= end) this.#fail(`unbalanced quotes in the value of field ${describeValue(slot.name)}`);
          c = text.charCodeAt(i);
          if (c === BACKSLASH) i += 2;
          else if (c === QUOTE) break;
          else i++;
        }
        i++;
        if (i < end && (c = text.charCodeAt(i)) !== COMMA && c !== SPACE) {
          this.#fail(`unexpected text after the string value of field ${describeValue(slot.name)}`);
        }
        this.#skipped++;
      } else {
        while (i < end && (c = text.charCodeAt(i)) !== COMMA && c !== SPACE) i++;
        if (i === valueStart) this.#fail(`missing value for field ${describeValue(slot.name)}`);
        if (slot.series === undefined) slot.series = this.#seriesOf(head, slot);
        this.#slots[count] = slot;
        this.#values[count] = this.#number(valueStart, i, slot.name);
        count++;
      }
      if (i < end && c === COMMA) {
        i++;
        continue;
      }
      break;
    }

    let time = this.#now;
    while (i < end && ((c = text.charCodeAt(i)) === SPACE || c === TAB)) i++;
    if (i < end) {
      const timeStart = i;
      while (i < end && (c = text.charCodeAt(i)) !== SPACE && c !== TAB) i++;
      time = this.#timestamp(timeStart, i);
      while (i < end && ((c = text.charCodeAt(i)) === SPACE || c === TAB)) i++;
      if (i < end) this.#fail(`unexpected ${describeValue(text.slice(i, end))} after the timestamp`);
    }
    for (let k = 0; k < count; k++) {
      const series = (this.#slots[k] as FieldSlot).series as IngestSeries;
      series.times.push(time);
      series.values.push(this.#values[k] as number);
    }
  }

  /** `measurement.field`; a field named `value` is the measurement itself (`room.temp value=21`). */
  #seriesOf(head: SeriesHead, slot: FieldSlot): IngestSeries {
    const metric = slot.name === 'value' ? head.measurement : `${head.measurement}.${slot.name}`;
    if (metric.length > MAX_NAME_LENGTH) {
      this.#fail(`metric name ${describeValue(metric)} is longer than ${MAX_NAME_LENGTH} characters`);
    }
    return this.#collector.series(metric, head.labels);
  }

  /** The measurement and tags of text[start, end) (the part before the first unescaped space). */
  #parseKey(start: number, end: number): SeriesHead {
    const text = this.#text;
    let i = start;
    let c = 0;
    while (i < end && (c = text.charCodeAt(i)) !== COMMA) i += c === BACKSLASH ? 2 : 1;
    if (i > end) i = end;
    if (i === start) this.#fail('missing measurement');
    const measurement = this.#unescape(start, i);
    const tags: [string, string][] = [];
    while (i < end) {
      const keyStart = ++i;
      while (i < end && (c = text.charCodeAt(i)) !== EQUALS && c !== COMMA) i += c === BACKSLASH ? 2 : 1;
      if (i > end) i = end;
      if (i === keyStart) this.#fail('missing tag key');
      const key = this.#unescape(keyStart, i);
      const tag = describeValue(key);
      if (i === end || c !== EQUALS) this.#fail(`missing "=" after tag key ${tag}`);
      const valueStart = ++i;
      while (i < end && (c = text.charCodeAt(i)) !== COMMA) {
        if (c === EQUALS) this.#fail(`unescaped "=" in the value of tag ${tag}`);
        i += c === BACKSLASH ? 2 : 1;
      }
      if (i > end) i = end;
      if (i === valueStart) this.#fail(`missing value for tag ${tag}`);
      const value = this.#unescape(valueStart, i);
      if (key.length > MAX_NAME_LENGTH)
        this.#fail(`tag key ${tag} is longer than ${MAX_NAME_LENGTH} characters`);
      if (value.length > MAX_NAME_LENGTH) {
        this.#fail(`the value of tag ${tag} is longer than ${MAX_NAME_LENGTH} characters`);
      }
      if (tags.some(([k]) => k === key)) this.#fail(`duplicate tag ${tag}`);
      tags.push([key, value]);
    }
    tags.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return { measurement, labels: Object.fromEntries(tags), fields: new Map() };
  }

  /** text[start, end) with `\,` `\ ` `\=` read as the character; other backslashes kept. */
  #unescape(start: number, end: number): string {
    const text = this.#text;
    let out = '';
    let from = start;
    for (let i = start; i < end - 1; i++) {
      if (text.charCodeAt(i) !== BACKSLASH) continue;
      const next = text.charCodeAt(i + 1);
      if (next === COMMA || next === SPACE || next === EQUALS) {
        out += text.slice(from, i);
        from = i + 1;
      }
      i++;
    }
    return from === start ? text.slice(start, end) : out + text.slice(from, end);
  }

  /** The value of a non-string field: a float, `…i`, `…u` or a boolean. */
  #number(start: number, end: number, field: string): number {
    const text = this.#text;
    let i = start;
    let c = text.charCodeAt(i);
    if (c === 116 || c === 84 || c === 102 || c === 70 /* t T f F */) {
      const word = text.slice(start, end);
      const value = BOOLEANS.get(word);
      if (value === undefined)
        this.#fail(`invalid boolean ${describeValue(word)} for field ${describeValue(field)}`);
      return value;
    }
    const negative = c === MINUS;
    if (negative) i++;
    const digitsStart = i;
    while (i < end && isDigit(text.charCodeAt(i))) i++;
    const digitsEnd = i;
    let digits = digitsEnd - digitsStart;
    let integral = true;
    if (i < end && text.charCodeAt(i) === 46 /* . */) {
      integral = false;
      const fraction = ++i;
      while (i < end && isDigit(text.charCodeAt(i))) i++;
      digits += i - fraction;
    }
    if (digits > 0 && i < end && ((c = text.charCodeAt(i)) === 101 || c === 69) /* e E */) {
      integral = false;
      i++;
      if (i < end && ((c = text.charCodeAt(i)) === 43 || c === MINUS)) i++;
      const exponent = i;
      while (i < end && isDigit(text.charCodeAt(i))) i++;
      if (i === exponent) digits = 0;
    }
    if (digits > 0 && i === end) {
      const value = Number(text.slice(start, end));
      if (!Number.isFinite(value)) {
        this.#fail(
          `number ${describeValue(text.slice(start, end))} for field ${describeValue(field)} is not finite`,
        );
      }
      return value;
    }
    if (digits > 0 && integral && i === end - 1) {
      c = text.charCodeAt(i);
      if (c === 105 /* i */ || (c === 117 /* u */ && !negative)) {
        const max = c === 117 ? UINT64_MAX : negative ? INT64_MIN_ABS : INT64_MAX;
        if (digits >= 19 && digitsAbove(text, digitsStart, digitsEnd, max)) {
          this.#fail(
            `integer ${describeValue(text.slice(start, end))} for field ${describeValue(field)} is out of the 64-bit range`,
          );
        }
        return Number(text.slice(start, i));
      }
    }
    return this.#badNumber(text.slice(start, end), field);
  }

  #badNumber(token: string, field: string): never {
    const name = describeValue(field);
    if (/^[-+]?(nan|inf|infinity)$/i.test(token)) {
      this.#fail(`invalid number ${describeValue(token)} for field ${name}: values must be finite`);
    }
    if (!/^[-+.\d]/.test(token)) {
      this.#fail(
        `invalid value ${describeValue(token)} for field ${name} (a string value needs double quotes)`,
      );
    }
    this.#fail(`invalid number ${describeValue(token)} for field ${name}`);
  }

  /** text[start, end) as epoch ms in the request's precision, computed on the digits. */
  #timestamp(start: number, end: number): number {
    const text = this.#text;
    const negative = text.charCodeAt(start) === MINUS;
    const digitsStart = negative ? start + 1 : start;
    let i = digitsStart;
    while (i < end && isDigit(text.charCodeAt(i))) i++;
    if (i !== end || i === digitsStart) this.#fail(`bad timestamp ${describeValue(text.slice(start, end))}`);
    let ms: number;
    if (this.#drop > 0) {
      const cut = end - this.#drop;
      ms = cut > digitsStart ? Number(text.slice(digitsStart, cut)) : 0;
      if (negative) {
        // Toward -∞: -1 ns is in the millisecond before the epoch, -1000000 ns is exactly -1 ms.
        for (let k = Math.max(cut, digitsStart); k < end; k++) {
          if (text.charCodeAt(k) !== 48) {
            ms++;
            break;
          }
        }
      }
    } else {
      ms = Number(text.slice(digitsStart, end)) * this.#multiply;
    }
    if (negative && ms !== 0) ms = -ms;
    if (!Number.isSafeInteger(ms)) {
      this.#fail(
        `timestamp ${describeValue(text.slice(start, end))} is out of range (in ms it must be a safe integer)`,
      );
    }
    return ms;
  }
}
