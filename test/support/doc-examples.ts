/**
 * The `curl` examples of the docs and the answers printed under them. An example is a ```sh block
 * holding one curl command, followed directly by a ```json block: the answer the bundled demo gives.
 * test/doc-examples.test.ts sends every such command to the demo and compares; `npm run docs:examples`
 * writes the demo's answers into the docs instead.
 */

export interface DocExample {
  /** 1-based line of the ```sh fence, for messages. */
  readonly line: number;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  /** The answer block's text, and where it sits in the document (the text between the fences). */
  readonly answer: string;
  readonly answerStart: number;
  readonly answerEnd: number;
}

/** Splits a shell command into words: single and double quotes, backslash escapes, `\` line joins. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const push = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  while (i < command.length) {
    const c = command[i] as string;
    if (c === '\\' && command[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (/\s/.test(c)) {
      push();
      i++;
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end === -1) throw new Error(`unterminated ' in ${command}`);
      word = (word ?? '') + command.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let text = '';
      while (j < command.length && command[j] !== '"') {
        if (command[j] === '\\' && j + 1 < command.length) j++;
        text += command[j];
        j++;
      }
      if (j >= command.length) throw new Error(`unterminated " in ${command}`);
      word = (word ?? '') + text;
      i = j + 1;
    } else if (c === '\\') {
      word = (word ?? '') + (command[i + 1] ?? '');
      i += 2;
    } else if (c === '#' && word === undefined) {
      break; // a comment to the end of the command
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  push();
  return words;
}

/** One curl command → method, path, headers and body; undefined when it is not a plain curl call. */
export function parseCurl(
  command: string,
): Omit<DocExample, 'line' | 'answer' | 'answerStart' | 'answerEnd'> {
  const words = shellWords(command.trim());
  if (words[0] !== 'curl') throw new Error(`not a curl command: ${command}`);
  let method: 'GET' | 'POST' | undefined;
  let url: string | undefined;
  let body: string | undefined;
  const headers: Record<string, string> = {};
  for (let i = 1; i < words.length; i++) {
    const w = words[i] as string;
    if (w === '-s' || w === '-sS' || w === '--silent') continue;
    if (w === '-X' || w === '--request') {
      const m = words[++i];
      if (m !== 'GET' && m !== 'POST') throw new Error(`method ${m} in ${command}`);
      method = m;
    } else if (w === '-H' || w === '--header') {
      const h = words[++i] ?? '';
      const at = h.indexOf(':');
      headers[h.slice(0, at).trim().toLowerCase()] = h.slice(at + 1).trim();
    } else if (w === '-d' || w === '--data' || w === '--data-raw') {
      body = words[++i];
    } else if (w.startsWith('-')) {
      throw new Error(`curl option ${w} is not understood by the examples test: ${command}`);
    } else {
      url = w;
    }
  }
  if (url === undefined) throw new Error(`no URL in ${command}`);
  const path = new URL(url.includes('://') ? url : `http://${url}`).pathname;
  return { method: method ?? (body === undefined ? 'GET' : 'POST'), path, headers, body };
}

/** Every example of a Markdown document, in order. */
export function docExamples(markdown: string): DocExample[] {
  const fence = /```(\w*)\n([\s\S]*?)```/g;
  const blocks = [...markdown.matchAll(fence)].map((m) => ({
    lang: m[1] as string,
    text: m[2] as string,
    start: m.index,
    end: m.index + m[0].length,
    inner: m.index + 3 + (m[1] as string).length + 1,
  }));
  const out: DocExample[] = [];
  blocks.forEach((b, i) => {
    const next = blocks[i + 1];
    if (b.lang !== 'sh' || !/^curl\s/.test(b.text.trim()) || next?.lang !== 'json') return;
    if (markdown.slice(b.end, next.start).trim() !== '') return; // the answer must follow directly
    const commands = b.text.trim().split(/\n(?=curl\s)/);
    if (commands.length !== 1) return;
    out.push({
      ...parseCurl(b.text),
      line: markdown.slice(0, b.start).split('\n').length,
      answer: next.text,
      answerStart: next.inner,
      answerEnd: next.end - 3,
    });
  });
  return out;
}

/** The document with each example's answer replaced (`answers[i]` for `examples[i]`). */
export function withAnswers(
  markdown: string,
  examples: readonly DocExample[],
  answers: readonly string[],
): string {
  let out = '';
  let at = 0;
  examples.forEach((ex, i) => {
    out += markdown.slice(at, ex.answerStart) + (answers[i] as string);
    at = ex.answerEnd;
  });
  return out + markdown.slice(at);
}

/**
 * JSON as the docs print it: a value that fits in `width` columns on one line stays on one line (with
 * a space inside braces and after commas and colons), anything longer is expanded two spaces a level.
 */
export function docJson(value: unknown, style: DocJsonStyle, width = 100): string {
  if (style === 'compact') return JSON.stringify(value);
  return style === 'spaced' ? oneLine(value) : pretty(value, width, '', 0);
}

/** How an answer is printed: JSON.stringify's text, one line with spaces, or pretty (see docJson). */
export type DocJsonStyle = 'compact' | 'spaced' | 'pretty';

/** The style an answer of the docs is printed in, so a rewrite keeps it. */
export function styleOf(answer: string): DocJsonStyle {
  const text = answer.trim();
  if (text.includes('\n')) return 'pretty';
  return /^\[?[{[] |": /.test(text) ? 'spaced' : 'compact';
}

function pretty(value: unknown, width: number, indent: string, prefix: number): string {
  const inline = oneLine(value);
  if (value === null || typeof value !== 'object' || indent.length + prefix + inline.length <= width) {
    return inline;
  }
  const inner = `${indent}  `;
  const items = Array.isArray(value)
    ? value.map((v) => inner + pretty(v, width, inner, 0))
    : Object.entries(value as Record<string, unknown>).map(([k, v]) => {
        const key = `${JSON.stringify(k)}: `;
        return inner + key + pretty(v, width, inner, key.length);
      });
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return `${open}\n${items.join(',\n')}\n${indent}${close}`;
}

function oneLine(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(oneLine).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${oneLine(v)}`).join(', ')} }`;
}
