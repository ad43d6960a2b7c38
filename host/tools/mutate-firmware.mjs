#!/usr/bin/env node
// Firmware mutation runner (issue 16). Stryker cannot see inside the wasm build, so this makes
// one-line mutants of assembly/*.ts, rebuilds the affected modules with asc and runs the fast
// test subset that exercises the mutated file. A mutant is killed when a test fails (or the run
// times out), survives when every test passes, and is equivalent when its compiled modules are
// byte-identical to the unmutated build or tests/MUTANTS.md lists it with a reason.
//
// Safety: the real tree is never written. Everything happens in a temporary copy of the project
// (assembly/, host/, tests/, the configs, build/) with node_modules linked; the copy is deleted at
// the end, also on SIGINT/SIGTERM. Mutants are compiled with -O0 (semantics are those of the
// release build, the size is not; the size and profile suites are therefore not in the subsets).
//
// Usage: node host/tools/mutate-firmware.mjs [--sample N] [--seed S] [--json] [--files PREFIX,…]
//          [--only TEXT] [--min PERCENT] [--report FILE] [--list]
//   --sample N   a seeded random sample of N mutants (default: all)
//   --json       the last stdout line is {"total","killed","survived","equivalent","survivors"}
//   --min P      exit 1 when killed / (killed + survived) is below P percent
//   --report F   write every mutant with its outcome to F (JSON)
//   --list       print the mutants and exit (nothing built)
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

// ---------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------
function parseArgs(argv) {
  const o = { sample: 0, seed: 1, json: false, files: [], only: [], min: null, report: '', list: false };
  const num = (name, v) => {
    if (v === undefined || !/^\d+$/.test(v)) { process.stderr.write(`mutate-firmware: --${name} must be a non-negative integer, got ${JSON.stringify(v ?? '')}\n`); process.exit(2); }
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--sample') o.sample = num('sample', argv[++i]);
    else if (a === '--seed') o.seed = num('seed', argv[++i]);
    else if (a === '--min') o.min = num('min', argv[++i]);
    else if (a === '--json') o.json = true;
    else if (a === '--list') o.list = true;
    else if (a === '--files') o.files = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a === '--only') o.only.push(argv[++i] ?? ''); // repeatable
    else if (a === '--report') o.report = argv[++i] ?? '';
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run mutate:firmware [-- --sample N --seed S --json --files assembly/nas/ --only TEXT --min 95 --report FILE --list]\n');
      process.exit(0);
    } else { process.stderr.write(`mutate-firmware: unknown option ${JSON.stringify(a)}\n`); process.exit(2); }
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// Mutant generation
// ---------------------------------------------------------------------------------------------
function listTs(dir) {
  const out = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...listTs(p));
    else if (e.endsWith('.ts')) out.push(p);
  }
  return out.sort();
}

/** Functions whose call statements wipe key material or set state flags: removing one must be
 *  caught (retired keys are zeroed; a rejected call changes no state). */
const REMOVABLE = /\b(?:wipe|ctxWipe|setUeFlag|setCounts|acceptDl|ulCountAdvance|zeroTail|clearTailBits)\([^;]*\);|\bstore<u8>\([^;]*(?:FLAGS|Flag)[^;]*\);/g;
/** Calls whose first two arguments commute by construction (tests/MUTANTS.md): swapping them is
 *  an equivalent mutant, so it is not generated. fits(off, len, R) is off ≤ R ∧ len ≤ R − off,
 *  i.e. off + len ≤ R without overflow; equalCt compares two buffers. */
const SYMMETRIC = new Set(['inIn', 'fits', 'equalCt']);
const CMP = { '<': '<=', '<=': '<', '>': '>=', '>=': '>', '==': '!=', '!=': '==' };

/** The code part of each line (comments blanked out, same length), or null for lines that hold
 *  no mutable code (imports, decorators). */
function codeLines(src) {
  const lines = src.split('\n');
  let inBlock = false;
  return lines.map((line) => {
    let out = '';
    for (let i = 0; i < line.length; i++) {
      if (inBlock) { if (line.startsWith('*/', i)) { inBlock = false; out += '  '; i++; } else out += ' '; continue; }
      if (line.startsWith('/*', i)) { inBlock = true; out += '  '; i++; continue; }
      if (line.startsWith('//', i)) { out += ' '.repeat(line.length - i); break; }
      if (line[i] === '"' || line[i] === "'") { // string literal: copied, never mutated
        const q = line[i]; let j = i + 1;
        while (j < line.length && line[j] !== q) j += line[j] === '\\' ? 2 : 1;
        out += ' '.repeat(Math.min(j, line.length - 1) - i + 1); i = j; continue;
      }
      out += line[i];
    }
    const t = out.trim();
    if (!t || /^(import|export \*|export \{|@)/.test(t)) return null;
    return out;
  });
}

function mutantsOf(file, src) {
  const rel = relative(root, file).split('\\').join('/');
  const lines = src.split('\n'), code = codeLines(src), out = [];
  const add = (line, col, len, repl, op) => {
    const text = lines[line];
    out.push({ file: rel, line: line + 1, col: col + 1, op, from: text.slice(col, col + len), to: repl, original: text.trim(), lead: text.length - text.trimStart().length,
      mutated: (text.slice(0, col) + repl + text.slice(col + len)).trim(), apply: (s) => {
        const ls = s.split('\n'); ls[line] = ls[line].slice(0, col) + repl + ls[line].slice(col + len); return ls.join('\n');
      } });
  };
  code.forEach((c, i) => {
    if (c === null) return;
    // numeric constants (FC values, lengths, masks, table entries): 0 → 1, 1 → 0, n → n + 1.
    // A table row (more than 4 literals) contributes its first and last entry only.
    const nums = [...c.matchAll(/(?<![\w.])(0x[0-9a-fA-F]+|\d+)(?![\w.])/g)];
    const pick = nums.length > 4 ? [nums[0], nums[nums.length - 1]] : nums;
    for (const m of pick) {
      const v = Number(m[1]);
      if (!Number.isSafeInteger(v)) continue;
      const nv = v === 0 ? 1 : v === 1 ? 0 : v + 1;
      add(i, m.index, m[1].length, m[1].startsWith('0x') ? '0x' + nv.toString(16) : String(nv), 'number');
    }
    // comparison and boundary operators (spaced, so generics <u8> and shifts are never hit)
    for (const m of c.matchAll(/ (<=|>=|==|!=|<|>) /g)) add(i, m.index + 1, m[1].length, CMP[m[1]], 'compare');
    // off by one / sign: a + b ↔ a - b, ++ ↔ --, += ↔ -=
    for (const m of c.matchAll(/ ([+-]) (?!=)/g)) add(i, m.index + 1, 1, m[1] === '+' ? '-' : '+', 'arith');
    for (const m of c.matchAll(/(\+\+|--)/g)) add(i, m.index, 2, m[1] === '++' ? '--' : '++', 'arith');
    for (const m of c.matchAll(/ (\+=|-=) /g)) add(i, m.index + 1, 2, m[1] === '+=' ? '-=' : '+=', 'arith');
    // swapped arguments: the first two of a call with 2 or 3 simple arguments
    for (const m of c.matchAll(/\b([A-Za-z_]\w*)(?:<\w+>)?\(([^(),]+), ([^(),]+)(, [^(),]+)?\)/g)) {
      const [a, b] = [m[2].trim(), m[3].trim()];
      if (a === b || SYMMETRIC.has(m[1])) continue;
      const start = m.index + m[0].indexOf('(') + 1, len = m[2].length + 2 + m[3].length;
      add(i, start, len, `${m[3]}, ${m[2]}`, 'swap-args');
    }
    // flipped boolean literals (flag arguments such as "DL COUNT accepted")
    for (const m of c.matchAll(/\b(true|false)\b/g)) add(i, m.index, m[1].length, m[1] === 'true' ? 'false' : 'true', 'bool');
    // removed wipe / flag statements
    for (const m of c.matchAll(REMOVABLE)) add(i, m.index, m[0].length, '{}', 'remove-statement');
  });
  return out;
}

function idOf(m) { return `${m.file}:${m.line}:${m.col} ${m.op} ${JSON.stringify(m.from)}→${JSON.stringify(m.to)}`; }

// ---------------------------------------------------------------------------------------------
// tests/MUTANTS.md: "- `file` | `text of the line` | `from` → `to` | reason" marks an equivalent
// mutant (the line text, not the line number, so entries survive edits elsewhere in the file).
// ---------------------------------------------------------------------------------------------
function readEquivalents() {
  const p = join(root, 'tests', 'MUTANTS.md');
  if (!existsSync(p)) return [];
  const eq = [];
  for (const line of readFileSync(p, 'utf8').split('\n')) {
    const m = line.match(/^- `(assembly\/[^`]+)` \| `([^`]+)` \| `([^`]*)` → `([^`]*)` \|/);
    if (m) eq.push({ file: m[1], text: m[2], from: m[3], to: m[4] });
  }
  return eq;
}
/** An entry covers a mutant when file, from and to agree and the mutated position lies inside the
 *  quoted piece of the line — so `abba: usize = 0` names that 0, not the other 0 on the line. */
const isListed = (m, eq) => eq.some((e) => {
  if (e.file !== m.file || e.from !== m.from || e.to !== m.to) return false;
  const at = m.col - 1 - (m.lead ?? 0);
  for (let i = m.original.indexOf(e.text); i >= 0; i = m.original.indexOf(e.text, i + 1)) {
    if (at >= i && at < i + e.text.length) return true;
  }
  return false;
});

// ---------------------------------------------------------------------------------------------
// Modules and test subsets
// ---------------------------------------------------------------------------------------------
const ENTRIES = { ue: 'assembly/ue.ts', 'ue-vectors': 'assembly/ue-vectors.ts', usim: 'assembly/usim/index.ts' };

/** Files each module compiles (relative import graph from its entry). */
function moduleFiles() {
  const res = {};
  for (const [mod, entry] of Object.entries(ENTRIES)) {
    const seen = new Set(), todo = [join(root, entry)];
    while (todo.length) {
      const f = todo.pop();
      if (seen.has(f) || !existsSync(f)) continue;
      seen.add(f);
      for (const m of readFileSync(f, 'utf8').matchAll(/\bfrom\s+["'](\.{1,2}\/[^"']+)["']/g)) todo.push(resolve(dirname(f), m[1] + '.ts'));
    }
    res[mod] = new Set([...seen].map((f) => relative(root, f).split('\\').join('/')));
  }
  return res;
}

// Fast suites only (no CLI spawning, no size/profile/timing suites), in two stages: the suites
// closest to the mutated file first; only a mutant that survives them runs the second stage.
// The first pattern that matches the file wins.
const KDF = ['kdf-differential', 'review-findings', 'interworking', 'srvcc', 'n2-handover', 'mobility'];
const NAS = ['nas-differential', 'nas-protect', 'boundaries'];
const PROC = ['mobility', 'interworking', 'srvcc', 'n2-handover', 'aka', 'me-storage', 'nas-differential'];
const SUBSETS = [
  [/^assembly\/crypto\/(sha256|hmac)\.ts$/, ['kdf-vectors'], ['kdf-differential', 'boundaries', 'usim-auth']],
  [/^assembly\/crypto\/aes\.ts$/, ['nas-vectors', 'usim-vectors'], NAS],
  [/^assembly\/crypto\/keccak\.ts$/, ['usim-vectors'], ['usim-auth']],
  [/^assembly\/crypto\//, ['nas-vectors'], NAS],
  [/^assembly\/kdf\//, ['kdf-vectors', 'boundaries', 'eap-aka-prime'], KDF],
  [/^assembly\/nas\//, ['nas-vectors', 'nas-protect', 'boundaries'], ['review-findings', ...PROC]],
  [/^assembly\/context\//, ['review-findings', 'boundaries', 'nas-protect'], PROC],
  [/^assembly\/abi\//, ['abi-boundaries', 'firmware-abi', 'kdf-vectors', 'nas-vectors', 'eap-aka-prime'], ['boundaries', 'nas-protect', 'review-findings', 'kdf-differential', ...PROC]],
  [/^assembly\/usim\//, ['usim-vectors', 'usim-auth', 'usim-memory'], ['usim-files', 'aka', 'storage-atomic']],
  [/^assembly\//, ['abi-boundaries', 'firmware-abi', 'kdf-vectors', 'nas-vectors', 'boundaries', 'usim-vectors'], ['nas-protect', 'review-findings', 'kdf-differential', 'usim-auth', ...PROC]],
];
const testFiles = (names) => names.map((n) => `tests/${n}.test.ts`).filter((t) => existsSync(join(root, t)));
/** [stage 1, stage 2] test files for a mutated file. */
function stagesFor(file) {
  const [, first, second] = SUBSETS.find(([re]) => re.test(file));
  return [testFiles(first), testFiles(second.filter((n) => !first.includes(n)))];
}

// ---------------------------------------------------------------------------------------------
// Work area, compiler, test runs
// ---------------------------------------------------------------------------------------------
function makeWorkArea() {
  if (!existsSync(join(root, 'build', 'ue.wasm')) || !existsSync(join(root, 'build', 'cli.mjs'))) {
    process.stderr.write('mutate-firmware: build/ is missing (run npm run build first)\n'); process.exit(2);
  }
  const base = mkdtempSync(join(tmpdir(), 'ue-keys-mutate-'));
  const work = join(base, 'repo');
  for (const p of ['assembly', 'host', 'tests', 'build', 'package.json', 'asconfig.json', 'tsconfig.json', 'README.md']) {
    // (not tests/mutation/: a Stryker sandbox may be there, and its tests are not ours to run)
    if (existsSync(join(root, p))) cpSync(join(root, p), join(work, p), { recursive: true, filter: (f) => !f.startsWith(join(root, 'tests', 'mutation')) });
  }
  symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'dir');
  return { base, work };
}

let asc;
async function compile(work, mod, outFile) {
  asc ??= (await import(join(root, 'node_modules', 'assemblyscript', 'dist', 'asc.js'))).default;
  const errs = [];
  const stream = { write: (s) => { errs.push(String(s)); return true; } };
  const r = await asc.main([ENTRIES[mod], '--baseDir', work, '--config', 'asconfig.json', '--target', 'release',
    // the ME modules at -O0 (compile time); the USIM module with the release flags, because its
    // suite asserts its size budget and it compiles quickly
    ...(mod === 'usim' ? [] : ['--optimizeLevel', '0', '--shrinkLevel', '0']), '-o', outFile], { stdout: stream, stderr: stream });
  return r.error ? null : readFileSync(outFile);
}

// Tests about the optimised build's shape rather than behaviour (the README tables are generated
// from the release module); a -O0 mutant build would fail them whatever the mutation.
const SKIP_TESTS = '^(?!.*(README ABI tables)).*$';

const children = new Set();
function runTests(work, files, timeoutMs) {
  return new Promise((done) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', work, '--bail', '1', '--reporter', 'dot',
      '--testNamePattern', SKIP_TESTS,
      '--testTimeout', '120000', ...files], // a slow shared machine must not pass for a kill
      { cwd: work, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.add(child.pid);
    let out = '';
    child.stdout.on('data', (d) => { out += d; }); child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer); children.delete(child.pid);
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* group gone */ }
      done({ ok: code === 0, timedOut: signal === 'SIGKILL', ms: Date.now() - t0, out });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Progress bar (stderr)
// ---------------------------------------------------------------------------------------------
function progress(done, total, s, t0) {
  const w = 30, f = total ? Math.round((done / total) * w) : w;
  const eta = done ? Math.round(((Date.now() - t0) / done) * (total - done) / 1000) : 0;
  const line = `[${'#'.repeat(f)}${'.'.repeat(w - f)}] ${done}/${total} killed ${s.killed} survived ${s.survived} equivalent ${s.equivalent} invalid ${s.invalid}${done < total ? ` eta ${eta}s` : ''}`;
  process.stderr.write(process.stderr.isTTY ? `\r${line}` : `${line}\n`);
}

function rng(seed) { // mulberry32
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

// ---------------------------------------------------------------------------------------------
async function main() {
  const o = parseArgs(process.argv.slice(2));
  const files = listTs(join(root, 'assembly')).filter((f) => !f.endsWith('ue-vectors.ts'))
    .filter((f) => !o.files.length || o.files.some((p) => relative(root, f).startsWith(p)));
  let mutants = files.flatMap((f) => mutantsOf(f, readFileSync(f, 'utf8')));
  if (o.only.length) mutants = mutants.filter((m) => o.only.some((t) => idOf(m).includes(t) || m.original.includes(t)));
  const all = mutants.length;
  if (o.sample && o.sample < mutants.length) {
    const r = rng(o.seed);
    for (let i = mutants.length - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [mutants[i], mutants[j]] = [mutants[j], mutants[i]]; }
    mutants = mutants.slice(0, o.sample).sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
  }
  if (o.list) { for (const m of mutants) process.stdout.write(`${idOf(m)}\n`); process.stderr.write(`${mutants.length} of ${all} mutants\n`); return 0; }

  const eq = readEquivalents(), modFiles = moduleFiles();
  const { base, work } = makeWorkArea();
  const cleanup = () => { for (const pid of children) { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } } rmSync(base, { recursive: true, force: true }); };
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { cleanup(); process.exit(130); });
  const s = { killed: 0, survived: 0, equivalent: 0, invalid: 0 }, results = [], survivors = [];
  const t0 = Date.now();
  try {
    // Unmutated -O0 baseline: bytes to compare against, and each test subset must pass on it.
    const baseline = {};
    for (const mod of Object.keys(ENTRIES)) {
      const b = await compile(work, mod, join(work, 'build', `${mod}.wasm`));
      if (!b) throw new Error(`the unmutated ${mod} module does not compile`);
      baseline[mod] = b;
    }
    // every suite the selected mutants use must pass on the unmutated -O0 build (else a "kill"
    // would mean nothing); a stage is a part of that set, so its run time bounds a stage's
    const used = [...new Set(mutants.flatMap((m) => stagesFor(m.file).flat()))];
    const b0 = await runTests(work, used, 1_800_000);
    if (!b0.ok) throw new Error(`the unmutated -O0 build fails the fast suites:\n${b0.out.slice(-3000)}`);
    const timeout = b0.ms + 30_000;
    progress(0, mutants.length, s, t0);
    for (const [n, m] of mutants.entries()) {
      const src = join(work, m.file), original = readFileSync(src, 'utf8');
      const mods = Object.keys(ENTRIES).filter((k) => modFiles[k].has(m.file));
      let status, detail = '';
      try {
        writeFileSync(src, m.apply(original));
        const built = [];
        for (const mod of mods) built.push([mod, await compile(work, mod, join(work, 'build', `${mod}.wasm`))]);
        if (built.some(([, b]) => b === null)) status = 'invalid';
        else if (built.every(([mod, b]) => Buffer.compare(b, baseline[mod]) === 0)) { status = 'equivalent'; detail = 'binary-identical'; }
        else {
          let r = { ok: true };
          for (const stage of stagesFor(m.file)) {
            if (!stage.length) continue;
            r = await runTests(work, stage, timeout);
            if (!r.ok) break;
          }
          if (!r.ok) {
            status = 'killed';
            const fail = r.out.replace(/\x1b\[[0-9;]*m/g, '').match(/FAIL\s+(tests\/\S+ > [^\n]*)/);
            detail = r.timedOut ? 'timeout' : fail ? fail[1].trim() : 'test run failed';
          }
          else if (isListed(m, eq)) { status = 'equivalent'; detail = 'tests/MUTANTS.md'; }
          else status = 'survived';
        }
      } finally {
        writeFileSync(src, original);
        for (const mod of mods) writeFileSync(join(work, 'build', `${mod}.wasm`), baseline[mod]);
      }
      s[status]++;
      if (status === 'survived') survivors.push(idOf(m));
      results.push({ id: idOf(m), status, detail, original: m.original, mutated: m.mutated });
      progress(n + 1, mutants.length, s, t0);
    }
  } finally { cleanup(); }
  if (process.stderr.isTTY) process.stderr.write('\n');

  const total = s.killed + s.survived + s.equivalent;
  const score = s.killed + s.survived ? (100 * s.killed) / (s.killed + s.survived) : 100;
  const secs = Math.round((Date.now() - t0) / 1000);
  const summary = `firmware mutants: ${total} run (${s.invalid} more did not compile), ${s.killed} killed, ${s.survived} survived, ${s.equivalent} equivalent; score ${score.toFixed(1)} % of non-equivalent in ${secs} s${o.sample ? ` (sample ${o.sample} of ${all}, seed ${o.seed})` : ` (all ${all})`}`;
  for (const id of survivors) process.stderr.write(`survived: ${id}\n`);
  if (o.report) writeFileSync(o.report, JSON.stringify({ summary, score, ...s, total, results }, null, 1) + '\n');
  if (o.json) { process.stderr.write(summary + '\n'); process.stdout.write(JSON.stringify({ total, killed: s.killed, survived: s.survived, equivalent: s.equivalent, survivors }) + '\n'); }
  else process.stdout.write(summary + '\n');
  if (o.min !== null && score < o.min) { process.stderr.write(`mutate-firmware: score ${score.toFixed(1)} % is below the goal of ${o.min} %\n`); return 1; }
  return 0;
}

main().then((c) => { process.exitCode = c; }, (e) => { process.stderr.write(`mutate-firmware: ${e.message}\n`); process.exitCode = 1; });
