// Issue 11 ("the house"): one concept, one place. These checks read the source tree:
//  - exactly one wasm binary reader (host/inspect/wasm.ts): no other file decodes LEB128, so no
//    other file can walk sections;
//  - tool code (host/tools/) stays out of the product's import graph, and neither the readers
//    (host/inspect/) nor the tools import the command line (host/cli/).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers.js';

const SOURCE = /\.(ts|mts|js|mjs)$/;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(repoRoot, dir), { withFileTypes: true })) {
    const rel = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(rel));
    else if (SOURCE.test(e.name)) out.push(rel);
  }
  return out;
}

// An unsigned or signed LEB128 decode step accumulates the low seven bits of a byte, shifted or
// scaled by its position: `(x & 0x7f) * 2 ** s`, `(x & 0x7f) << s`, `BigInt(x & 0x7f) << s`; and
// loops while the continuation bit is set: `while (x & 0x80)`. Encoders (which set 0x80) do neither.
const LEB_DECODE = /&\s*0x7fn?\s*\)\s*(\*|<<)|while\s*\([^)]*&\s*0x80\s*\)/;
const READER = 'host/inspect/wasm.ts';

describe('one wasm binary reader: only host/inspect/wasm.ts decodes LEB128 (and so sections)', () => {
  it('the pattern recognises the decoders the project used to have (so the check can fail)', () => {
    const former = [
      'leb(): number { let v = 0, s = 0, x; do { x = b[p++]; v += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return v; }',
      'const leb = () => { let r = 0, shift = 0, b; do { b = bytes[p++]; r |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80); return r >>> 0; };',
      'let q = 0; do { q++; } while (fwCode[q - 1] & 0x80);',
      'do { x = this.b[this.p++]; v |= BigInt(x & 0x7f) << s; s += 7n; } while (x & 0x80);',
    ];
    for (const f of former) expect(LEB_DECODE.test(f), f).toBe(true);
    // the encoders of the interpreter driver (host/tools/native/wrapper.ts) are not decoders
    expect(LEB_DECODE.test('do { let b = n & 0x7f; n = Math.floor(n / 128); if (n) b |= 0x80; out.push(b); } while (n);')).toBe(false);
    expect(LEB_DECODE.test('const b = Number(v & 0x7fn);')).toBe(false);
  });

  it('the reader itself decodes LEB128', () => {
    expect(LEB_DECODE.test(readFileSync(join(repoRoot, READER), 'utf8'))).toBe(true);
  });

  it('no other file of host/ or tests/ does', () => {
    const offenders = [...sourceFiles('host'), ...sourceFiles('tests')]
      .filter((f) => f !== READER && f !== 'tests/abi/house-rules.test.ts')
      .filter((f) => LEB_DECODE.test(readFileSync(join(repoRoot, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});

/** Relative import specifiers of a file (static `from '…'` and dynamic `import('…')`), resolved
 *  to repository paths. */
function imports(file: string): string[] {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  const specs = [...text.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'\s*\)|^\s*import\s+'([^']+)'/gm)].map((m) => m[1] ?? m[2] ?? m[3]);
  return specs.filter((s) => s.startsWith('.'))
    .map((s) => relative(repoRoot, resolve(repoRoot, dirname(file), s)).split('\\').join('/'));
}

describe('layers: tool code stays out of the product, readers and tools do not import the CLI', () => {
  const host = sourceFiles('host');

  it('the import scan sees the imports (host/cli/abi-command.ts imports host/inspect/abi)', () => {
    expect(imports('host/cli/abi-command.ts')).toContain('host/inspect/abi.js');
  });

  it('nothing in host/ outside host/tools/ imports host/tools/', () => {
    const bad = host.filter((f) => !f.startsWith('host/tools/'))
      .flatMap((f) => imports(f).filter((i) => i.startsWith('host/tools/')).map((i) => `${f} → ${i}`));
    expect(bad).toEqual([]);
  });

  it('host/inspect/ and host/tools/ (profile, ABI reader, native harness, bench) do not import host/cli/', () => {
    const bad = host.filter((f) => f.startsWith('host/inspect/') || f.startsWith('host/tools/'))
      .flatMap((f) => imports(f).filter((i) => i.startsWith('host/cli/')).map((i) => `${f} → ${i}`));
    expect(bad).toEqual([]);
  });
});

describe('tests: imports at the top of every test file', () => {
  // A fixed module loaded with `await import('…')` inside a test or after code hides a dependency
  // of the suite; vi.mock is hoisted above static imports, so mocking needs no late import either.
  const LATE_IMPORT = /await\s+import\s*\(\s*['"]/;

  it('the pattern recognises a late import (so the check can fail)', () => {
    expect(LATE_IMPORT.test("const { runSrvcc } = await import('../../host/scenarios/srvcc.js');")).toBe(true);
    expect(LATE_IMPORT.test("import { runSrvcc } from '../../host/scenarios/srvcc.js';")).toBe(false);
  });

  it('no file of tests/ imports a fixed module with await import()', () => {
    const late = sourceFiles('tests').filter((f) => f !== 'tests/abi/house-rules.test.ts')
      .filter((f) => LATE_IMPORT.test(readFileSync(join(repoRoot, f), 'utf8')));
    expect(late).toEqual([]);
  });
});
