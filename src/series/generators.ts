/**
 * Deterministic generators: each GeneratorSpec is a pure function of time (and seed), so a generated
 * series covers any range and answers the same for the same range on every run and every machine.
 * Raw points sit at the multiples of `step` since the epoch, so their timestamps do not move with `from`.
 */
import type { Aggregation, Columns, GeneratorSpec, TimeRange } from './types';

/**
 * Module-local aliases for the Math functions on per-point paths. Under jest (a vm context) every lookup
 * of the global `Math` goes through the context's interceptor, which made these loops ~100× slower.
 */
const { floor, imul, round, sin } = Math;
const isNaNValue = Number.isNaN;
const TWO_PI = 2 * Math.PI;

/** Most raw points evaluated per bucket by generateBuckets; beyond this the bucket is sampled. */
export const MAX_SAMPLES_PER_BUCKET = 64;

/** Remainder with the sign of the divisor, so times before the epoch cycle like those after it. */
function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

// ---- hashing: a murmur3-style mix of 32-bit words (written here; no Math.random anywhere) ----

const TWO_POW_32 = 4_294_967_296;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** Folds one 32-bit word into the running hash (murmur3 x86_32 body round). */
function mixWord(hash: number, word: number): number {
  const k = imul(rotl(imul(word, 0xcc9e2d51), 15), 0x1b873593);
  return (imul(rotl(hash ^ k, 13), 5) + 0xe6546b64) | 0;
}

/** murmur3's finaliser: every input bit affects every output bit. Returns an unsigned 32-bit integer. */
function finalise(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Hashes five 32-bit words (fixed arity: it runs for every lattice value, so no arrays). */
function hash5(a: number, b: number, c: number, d: number, e: number): number {
  return finalise(mixWord(mixWord(mixWord(mixWord(mixWord(0x2545f491, a), b), c), d), e) ^ 20);
}

/** The 64 bits of a double, as two words: any seed (fractional, negative, huge) hashes distinctly. */
function seedWords(seed: number): [number, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, seed);
  return [view.getInt32(0), view.getInt32(4)];
}

// ---- random walk: multi-octave value noise, O(1) at any instant ----

/** Octave k has lattice points every 2^k steps: 20 octaves give structure up to ~10^6 steps. */
const OCTAVES = 20;
/** Amplitude 2^(k/2) makes the variance over a lag of L steps grow like L: the signature of a random walk. */
const AMPLITUDES = Float64Array.from(
  { length: OCTAVES },
  (_, k) => 2 ** floor(k / 2) * (k % 2 === 0 ? 1 : Math.SQRT2),
);
/** 2^-k per octave: multiplying by an exact power of two is exact and cheaper than `/ 2 ** k`. */
const INVERSE_SIZES = Float64Array.from(AMPLITUDES, (_, k) => 2 ** -k);
/**
 * Standard deviation of a one-step increment of the raw noise: octave k moves by (v1 - v0)·2^(-k/2) per
 * step with var(v1 - v0) = 2/3 for lattice values uniform in [-1, 1). Dividing by it makes `volatility`
 * the typical change from one point to the next.
 */
const STEP_DEVIATION = Math.sqrt((2 / 3) * AMPLITUDES.reduce((sum, a, k) => sum + (a / 2 ** k) ** 2, 0));

/** Folds x into [min, max] by reflecting at the edges (a walk bouncing off walls, not clamped flat). */
function reflect(x: number, min: number, max: number): number {
  const span = max - min;
  if (!(span > 0)) return min;
  const m = mod(x - min, 2 * span);
  return min + (m > span ? 2 * span - m : m);
}

/** A random-walk evaluator for one spec: seed words, octave shifts and the lattice cache are per spec. */
function randomWalk(spec: Extract<GeneratorSpec, { type: 'randomWalk' }>): (t: number) => number {
  const [seedLo, seedHi] = seedWords(spec.seed);
  // Each octave's lattice is shifted by a seeded amount so the octaves never all line up at one instant.
  const shifts = Float64Array.from(AMPLITUDES, (_, k) => hash5(seedLo, seedHi, -1 - k, 0, 0) % 2 ** k);
  // A two-slot cache per octave, indexed by the parity of n: consecutive points read n and n + 1 of the
  // same octave, so sequential evaluation hashes ~4 lattice values per point instead of 40. It only
  // memoises a pure function; results do not depend on the order of evaluation.
  const cachedN = new Float64Array(2 * OCTAVES).fill(Number.NaN);
  const cachedV = new Float64Array(2 * OCTAVES);
  const lattice = (k: number, n: number): number => {
    const slot = 2 * k + (n & 1);
    if (cachedN[slot] === n) return cachedV[slot] ?? 0;
    // The two 32-bit halves of n (a safe integer, possibly negative).
    const v =
      (hash5(seedLo, seedHi, k, mod(n, TWO_POW_32) | 0, floor(n / TWO_POW_32) | 0) / TWO_POW_32) * 2 - 1;
    cachedN[slot] = n;
    cachedV[slot] = v;
    return v;
  };
  const scale = spec.volatility / STEP_DEVIATION;
  return (t) => {
    const i = floor(t / spec.step);
    let noise = 0;
    for (let k = 0; k < OCTAVES; k++) {
      const u = (i + (shifts[k] ?? 0)) * (INVERSE_SIZES[k] ?? 0);
      const n = floor(u);
      const f = u - n;
      const v0 = lattice(k, n);
      const v = f === 0 ? v0 : v0 + (lattice(k, n + 1) - v0) * f;
      noise += (AMPLITUDES[k] ?? 0) * v;
    }
    return reflect(spec.start + scale * noise, spec.min, spec.max);
  };
}

/** The spec as a function of time, with per-spec work (seed hashing) done once. */
function evaluator(spec: GeneratorSpec): (t: number) => number {
  switch (spec.type) {
    case 'sine':
      // Reduce modulo the period first: sin of an argument of millions of radians loses precision.
      return (t) =>
        spec.offset + spec.amplitude * sin((TWO_PI * mod(t + spec.phase, spec.period)) / spec.period);
    case 'randomWalk':
      return randomWalk(spec);
    case 'counter': {
      const { resetEvery } = spec;
      if (resetEvery === undefined || !(resetEvery > 0)) return (t) => spec.start + spec.rate * (t / 1000);
      return (t) => spec.start + spec.rate * (mod(t, resetEvery) / 1000);
    }
    case 'step':
      return (t) => spec.values[mod(floor(t / spec.every), spec.values.length)] ?? Number.NaN;
    case 'square':
      return (t) => (mod(t, spec.period) < spec.duty * spec.period ? spec.high : spec.low);
    case 'constant':
      return () => spec.value;
  }
}

/**
 * The value of `spec` at instant `t` (epoch ms). Pure: same spec and t, same answer on any machine.
 * - sine: offset + amplitude·sin(2π(t + phase)/period);
 * - randomWalk: seeded multi-octave value noise of floor(t/step), scaled so `volatility` is the typical
 *   step-to-step change and reflected into [min, max]; constant within a step;
 * - counter: start + rate·t/1000, restarting at `start` every `resetEvery` ms (epoch-aligned) if given;
 * - step: values[floor(t/every) mod n]; square: `high` for the first duty·period of each epoch-aligned
 *   period, else `low`; constant: value.
 * Invalid parameters (period 0, empty values) give NaN, which the series layer treats as a gap.
 * Only IEEE-754 basic arithmetic (correctly rounded, so identical everywhere) is used, plus Math.sin for
 * sine (V8 uses the same fdlibm port on every platform).
 */
export function valueAt(spec: GeneratorSpec, t: number): number {
  return evaluator(spec)(t);
}

// ---- point grids ----

function checkPositive(value: number, name: string): void {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new Error(`${name} must be a finite number > 0, got ${value}`);
  }
}

function checkRange(range: TimeRange): void {
  if (!Number.isFinite(range.from) || !Number.isFinite(range.to)) {
    throw new Error(`range must have finite bounds, got ${range.from}..${range.to}`);
  }
}

/** Indices [first, last] of the multiples of `step` inside the inclusive range (last < first when none). */
function indexBounds(range: TimeRange, step: number): [number, number] {
  let first = Math.ceil(range.from / step);
  // Division can round either way by an ulp; settle on the exact multiples.
  if ((first - 1) * step >= range.from) first--;
  if (first * step < range.from) first++;
  let last = floor(range.to / step);
  if ((last + 1) * step <= range.to) last++;
  if (last * step > range.to) last--;
  return [first, last];
}

/** How many points generate(spec, range, step) returns, in O(1). Throws if step is not finite and > 0. */
export function countPoints(range: TimeRange, step: number): number {
  checkPositive(step, 'step');
  checkRange(range);
  const [first, last] = indexBounds(range, step);
  return Math.max(0, last - first + 1);
}

/**
 * One point at every multiple of `step` since the epoch inside [range.from, range.to] (inclusive), in
 * Float64Array columns. Allocates countPoints(range, step) points: callers check that count first.
 * Throws if step is not finite and > 0, or the range bounds are not finite.
 */
export function generate(spec: GeneratorSpec, range: TimeRange, step: number = spec.step): Columns {
  const count = countPoints(range, step);
  const [first] = indexBounds(range, step);
  const f = evaluator(spec);
  const times = new Float64Array(count);
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const t = (first + i) * step;
    times[i] = t;
    values[i] = f(t);
  }
  return { times, values };
}

// ---- bucketed generation ----

/**
 * Reduces the raw points with indices first..last (times index·step). Up to maxSamples points are all
 * evaluated; above that, maxSamples evenly spread ones (first and last included).
 * NaN values are skipped by avg/min/max/sum.
 */
function aggregateBucket(
  f: (t: number) => number,
  first: number,
  last: number,
  step: number,
  how: Aggregation,
  maxSamples: number,
) {
  const count = last - first + 1;
  if (how === 'count') return count;
  if (how === 'last') return f(last * step);
  const samples = Math.min(count, maxSamples);
  let sum = 0;
  let seen = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let s = 0; s < samples; s++) {
    const index = samples === count ? first + s : first + round((s * (count - 1)) / (samples - 1));
    const v = f(index * step);
    if (isNaNValue(v)) continue;
    sum += v;
    seen++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (seen === 0) return Number.NaN;
  switch (how) {
    case 'avg':
      return sum / seen;
    case 'min':
      return min;
    case 'max':
      return max;
    case 'sum':
      return samples === count ? sum : (sum / seen) * count;
  }
}

/**
 * The series at bucket resolution, for ranges whose raw point count is far above what the caller wants.
 * Buckets follow the project's convention: bucket k covers [k·width, (k+1)·width) with k = floor(t/width),
 * is reported at max(k·width, range.from), and appears only if it holds at least one raw point (a
 * multiple of spec.step inside the range); ascending.
 *
 * Values are exact when a bucket has at most `samples` raw points (default 64). Above that they are
 * approximated from `samples` raw-aligned samples spread evenly over the bucket (first and last raw point
 * included): avg, min and max are those of the samples (min/max may miss a narrow extreme between
 * samples), `sum` is the sample average times the exact raw count, `count` is the exact raw count and
 * `last` the exact last raw value. Cost is O(buckets × samples) whatever the range. Throws if spec.step or
 * width is not finite and > 0, or samples is not a whole number ≥ 2.
 */
export function generateBuckets(
  spec: GeneratorSpec,
  range: TimeRange,
  width: number,
  aggregation: Aggregation,
  samples: number = MAX_SAMPLES_PER_BUCKET,
): Columns {
  const { step } = spec;
  checkPositive(step, 'step');
  checkPositive(width, 'bucket width');
  if (!Number.isInteger(samples) || samples < 2)
    throw new Error(`samples must be a whole number >= 2, got ${samples}`);
  checkRange(range);
  const [first, last] = indexBounds(range, step);
  const bucketOf = (index: number): number => floor((index * step) / width);
  const capacity = last < first ? 0 : Math.min(last - first + 1, bucketOf(last) - bucketOf(first) + 1);
  const times = new Float64Array(capacity);
  const values = new Float64Array(capacity);
  const f = evaluator(spec);
  let filled = 0;
  for (let start = first; start <= last; filled++) {
    const k = bucketOf(start);
    // The last raw index of bucket k, estimated by division and then settled with bucketOf itself.
    let end = Math.max(start, Math.min(last, Math.ceil(((k + 1) * width) / step) - 1));
    while (end > start && bucketOf(end) > k) end--;
    while (end < last && bucketOf(end + 1) === k) end++;
    times[filled] = k * width;
    values[filled] = aggregateBucket(f, start, end, step, aggregation, samples);
    start = end + 1;
  }
  return { times: times.subarray(0, filled), values: values.subarray(0, filled) };
}
