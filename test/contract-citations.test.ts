import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Code comments cite the researched client contract by section ("docs/client-contract.md §3.6"). The
 * document is in the repo, and every section cited must exist in it, so a reader can follow each one.
 */
const ROOT = join(__dirname, '..');
const CONTRACT = readFileSync(join(ROOT, 'docs', 'client-contract.md'), 'utf8');
const SECTIONS = new Set([...CONTRACT.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)].map((m) => m[1]));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

const FILES = ['src', 'test', 'bench', 'soak'].flatMap((d) => sources(join(ROOT, d)));

describe('citations of docs/client-contract.md', () => {
  it('the document has its numbered sections', () => {
    expect([...SECTIONS]).toEqual(expect.arrayContaining(['1', '1.3', '2.3', '3.3', '3.6', '4', '10']));
  });

  it('every "§N" in the code names the document and a section it has', () => {
    const wrong: string[] = [];
    for (const file of FILES) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(\S*)\s+((?:§\d+(?:\.\d+)?(?:,\s*)?)+)/g)) {
        const where = `${file.slice(ROOT.length + 1)}: ${m[0].trim()}`;
        if (
          m[1]?.replace(/^\(/, '') !== 'docs/client-contract.md' &&
          !file.endsWith('contract-citations.test.ts')
        )
          wrong.push(where);
        for (const s of (m[2] as string).matchAll(/§(\d+(?:\.\d+)?)/g)) {
          if (!SECTIONS.has(s[1] as string)) wrong.push(`${where} (no section ${s[1]})`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
