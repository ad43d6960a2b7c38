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
//          [--only TEXT] [--min PERCENT] [--report FILE] [--incremental FILE] [--list]
//   --sample N   a seeded random sample of N mutants (default: all)
//   --json       the last stdout line is {"total","killed","survived","equivalent","survivors"}
//   --min P      exit 1 when killed / (killed + survived) is below P percent
//   --report F   write every mutant with its outcome to F (JSON)
//   --incremental F  keep every mutant's outcome in F (JSON, rewritten as results come in) and
//                reuse an outcome while the mutated file and the test files of its two stages are
//                unchanged (Stryker's incremental rule): a full run of several hours can be stopped
//                and resumed, and a later run re-tests only the mutants of changed files. Like
//                Stryker, it does not see a change in another firmware file or in host code that
//                the tests go through; delete F for a clean run.
//   --list       print the mutants and exit (nothing built)
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { applyMutant, idOf, mutantsOf } from './mutation/mutants.mjs';
import { buildSchema, sitesOf, withSwitch } from './mutation/schema.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

// ---------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------
function parseArgs(argv) {
  const o = { sample: 0, seed: 1, json: false, files: [], only: [], min: null, report: '', incremental: '', list: false, jobs: 2, lane: false, schema: true };
  const num = (name, v) => {
    if (v === undefined || !/^\d+$/.test(v)) { process.stderr.write(`mutate-firmware: --${name} must be a non-negative integer, got ${JSON.stringify(v ?? '')}\n`); process.exit(2); }
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--sample') o.sample = num('sample', argv[++i]);
    else if (a === '--seed') o.seed = num('seed', argv[++i]);
    else if (a === '--min') o.min = num('min', argv[++i]);
    else if (a === '--jobs') { o.jobs = num('jobs', argv[++i]); if (o.jobs < 1) { process.stderr.write('mutate-firmware: --jobs must be at least 1\n'); process.exit(2); } }
    else if (a === '--lane') o.lane = true; // internal: a worker process of the parent
    else if (a === '--no-schema') o.schema = false;
    else if (a === '--json') o.json = true;
    else if (a === '--list') o.list = true;
    else if (a === '--files') o.files = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a === '--only') o.only.push(argv[++i] ?? ''); // repeatable
    else if (a === '--report') o.report = argv[++i] ?? '';
    else if (a === '--incremental') {
      o.incremental = argv[++i] ?? '';
      if (!o.incremental) { process.stderr.write('mutate-firmware: --incremental needs a FILE\n'); process.exit(2); }
    }
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run mutate:firmware [-- --sample N --seed S --json --files assembly/me/nas/ --only TEXT --min 95 --report FILE --incremental FILE --list --jobs 2]\n');
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
const ENTRIES = { ue: 'assembly/me/index.ts', 'ue-vectors': 'assembly/me/vectors.ts', usim: 'assembly/usim/index.ts', 'ue-fast': 'assembly/me/index.ts', 'usim-fast': 'assembly/usim/index.ts', 'ue-vectors-fast': 'assembly/me/vectors.ts' };
/** Extra asc flags per module: the FAST build of the same sources (issue 12, assembly/crypto/variant.ts),
 *  so a mutant in a fast-only file (crypto/*-fast.ts) or a FAST branch is compiled where it runs. */
const FAST = ['--use', 'UE_KEYS_FAST=1'];
const FLAGS = { 'ue-fast': FAST, 'usim-fast': FAST, 'ue-vectors-fast': FAST };
/** The build each module belongs to (host/firmware/variant.ts). The suites run against the build
 *  that UE_KEYS_VARIANT names (tests/vitest.config.mjs runs them once per build in npm test); a
 *  mutant is tested against each build whose modules it changes: a mutant in small-only code
 *  (e.g. crypto/aes.ts's compact AES) against the small build, one in a fast-only file against the
 *  fast build, one in shared code against both (the second only while it survives the first). */
const VARIANT_OF = { ue: 'small', usim: 'small', 'ue-vectors': 'small', 'ue-fast': 'fast', 'usim-fast': 'fast', 'ue-vectors-fast': 'fast' };
const BUILDS = ['small', 'fast'];
/** Mutants of one file a run must have to compile the file's schema (mutation/schema.mjs). */
const SCHEMA_MIN = 8;

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
const KDF = ['kdf-differential', 'kamf-horizontal-derivation', 'srvcc-context-rules', 'smc-malformed-input', 'nas-dl-count-replay', 'interworking', 'srvcc', 'n2-handover', 'mobility'];
const NAS = ['nas-differential', 'nas-protect', 'boundaries'];
const PROC = ['mobility', 'interworking', 'srvcc', 'n2-handover', 'aka', 'me-storage', 'nas-differential'];
const SUBSETS = [
  // a primitive's small and fast files (crypto/x.ts, crypto/x-fast.ts) share their suites; the
  // variant switch of the FAST build runs the fast build's own checks first
  [/^assembly\/crypto\/variant\.ts$/, ['fast-build'], ['kdf-vectors', 'nas-vectors', 'usim-vectors']],
  [/^assembly\/crypto\/(sha256|hmac)(-fast)?\.ts$/, ['kdf-vectors'], ['kdf-differential', 'boundaries', 'abi-boundaries', 'usim-auth', 'fast-build']],
  [/^assembly\/crypto\/aes(-fast)?\.ts$/, ['nas-vectors', 'usim-vectors'], [...NAS, 'fast-build']],
  [/^assembly\/crypto\/keccak(-fast)?\.ts$/, ['usim-vectors'], ['usim-auth', 'fast-build']],
  [/^assembly\/crypto\//, ['nas-vectors', 'nas-output-extent'], [...NAS, 'abi-boundaries', 'nas-alg-abi', 'fast-build']],
  [/^assembly\/me\/(abi|procedures)\/aka\.ts$/, ['aka-export', 'ctx-activate', 'derive-exports'], ['memory-hygiene', ...PROC]],
  [/^assembly\/me\/kdf\//, ['kdf-vectors', 'boundaries', 'eap-aka-prime'], [...KDF, 'memory-hygiene', 'abi-boundaries']],
  [/^assembly\/me\/(nas|procedures)\//, ['nas-vectors', 'nas-protect', 'boundaries', 'nas-alg-abi', 'nas-count-per-access', 'nas-protect-abi', 'smc-imeisv', 'smc-outcome'], ['kamf-horizontal-derivation', 'srvcc-context-rules', 'smc-malformed-input', 'nas-dl-count-replay', 'procedure-deviations', 'memory-hygiene', 'firmware-abi', ...PROC]],
  [/^assembly\/me\/context\//, ['ctx-activate', 'kamf-horizontal-derivation', 'srvcc-context-rules', 'smc-malformed-input', 'nas-dl-count-replay', 'boundaries', 'nas-protect'], ['procedure-deviations', 'memory-hygiene', 'firmware-abi', 'smc-outcome', ...PROC]],
  [/^assembly\/me\/abi\//, ['abi-boundaries', 'firmware-abi', 'kdf-vectors', 'nas-vectors', 'eap-aka-prime', 'nas-alg-abi', 'ctx-exports', 'derive-exports', 'kdf-exports', 'mobility-exports', 'mailbox-clear', 'nas-output-extent'], ['boundaries', 'nas-protect', 'kamf-horizontal-derivation', 'srvcc-context-rules', 'smc-malformed-input', 'nas-dl-count-replay', 'kdf-differential', ...PROC]],
  [/^assembly\/usim\//, ['usim-vectors', 'usim-auth', 'usim-memory', 'usim-mailbox', 'usim-card-exports'], ['usim-files', 'aka', 'storage-atomic', 'fast-build']],
  [/^assembly\//, ['abi-boundaries', 'firmware-abi', 'kdf-vectors', 'nas-vectors', 'nas-output-extent', 'me-memory-map', 'boundaries', 'usim-vectors'], ['nas-protect', 'kamf-horizontal-derivation', 'srvcc-context-rules', 'smc-malformed-input', 'nas-dl-count-replay', 'kdf-differential', 'usim-auth', ...PROC]],
];
/** Every suite by its name (tests/<concept>/<name>.test.ts); a name that names no suite is an error,
 *  so a renamed suite cannot silently drop out of a stage. */
const suiteIndex = new Map();
for (const e of readdirSync(join(root, 'tests'), { recursive: true, withFileTypes: true })) {
  if (!e.isFile() || !e.name.endsWith('.test.ts')) continue;
  const dir = relative(root, e.parentPath ?? e.path);
  if (dir.startsWith(join('tests', 'mutation'))) continue;
  suiteIndex.set(e.name.slice(0, -'.test.ts'.length), join(dir, e.name).split(sep).join('/'));
}
const testFiles = (names) => names.map((n) => {
  const t = suiteIndex.get(n);
  if (!t) throw new Error(`mutate-firmware: no suite tests/**/${n}.test.ts (SUBSETS names it)`);
  return t;
});
/** [stage 1, stage 2] test files for a mutated file. */
function stagesFor(file) {
  const [, first, second] = SUBSETS.find(([re]) => re.test(file));
  return [testFiles(first), testFiles(second.filter((n) => !first.includes(n)))];
}

// ---------------------------------------------------------------------------------------------
// --incremental: one entry per mutant id. The stored status is the runner's own (killed, survived,
// equivalent when binary-identical, invalid); tests/MUTANTS.md is applied afresh on every run, so
// listing or unlisting an equivalent needs no re-run. An entry is reused while what decided it is
// unchanged (by content), as Stryker reuses a kill while the killing test is unchanged:
//   killed by a test            the mutated file and the killing test's file
//   equivalent, invalid         the mutated file (the verdict comes from the compiler alone)
//   survived, killed by timeout the mutated file and every test file of its two stages (key)
// So adding a test to a stage file re-runs that stage's survivors, not all of its mutants.
// ---------------------------------------------------------------------------------------------
const sha = (...parts) => { const h = createHash('sha256'); for (const p of parts) h.update(p).update('\0'); return h.digest('hex').slice(0, 16); };
const contentHash = new Map();
const hashOf = (rel) => {
  if (!contentHash.has(rel)) contentHash.set(rel, sha(readFileSync(join(root, rel))));
  return contentHash.get(rel);
};
function keyOf(m) {
  const tests = stagesFor(m.file).flat();
  return sha(hashOf(m.file), ...tests.map((t) => `${t}=${hashOf(t)}`));
}
/** The test file that killed a mutant, from its detail ("[fast] tests/x/y.test.ts > …"), or null. */
const killerFileOf = (detail) => /^\[(?:small|fast)\] (tests\/\S+?\.test\.ts) > /.exec(detail ?? '')?.[1] ?? null;
/** Whether an incremental entry still holds for mutant m (its full key given). */
function stillHolds(e, m, key) {
  if (!e) return false;
  if (e.key === key) return true;
  if (!e.file || e.file !== hashOf(m.file)) return false;
  if (e.status === 'equivalent' || e.status === 'invalid') return true;
  const killer = killerFileOf(e.detail);
  return e.status === 'killed' && killer !== null && e.killer === hashOf(killer) && existsSync(join(root, killer));
}
/** The entry to store: the full key, the mutated file's hash and, for a kill, the killing file's. */
function entryOf(m, key, status, detail) {
  const killer = status === 'killed' ? killerFileOf(detail) : null;
  return { key, file: hashOf(m.file), ...(killer && existsSync(join(root, killer)) ? { killer: hashOf(killer) } : {}), status, detail };
}
function readIncremental(file) {
  if (!existsSync(file)) return {};
  try {
    const j = JSON.parse(readFileSync(file, 'utf8'));
    if (j && j.version === 1 && j.mutants && typeof j.mutants === 'object') return j.mutants;
  } catch { /* unreadable: start afresh, said below */ }
  process.stderr.write(`mutate-firmware: ${file} is not an incremental file of this runner; starting afresh\n`);
  return {};
}

// ---------------------------------------------------------------------------------------------
// Work area, compiler
// ---------------------------------------------------------------------------------------------
function makeWorkArea() {
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
/** Every module at -O0: compile time is most of a mutant's cost at -O3 (ue.wasm 3 s against
 *  0.5 s), and the semantics are the same. The suites' size assertions are skipped (SKIP_TESTS).
 *  The release builds lay the static regions out from 1024, the -O0 ones from 16 unless told: the
 *  host's generated contract (host/firmware/abi.generated.ts) holds the release addresses, so the
 *  -O0 build gets the same base, and the lane checks every exported constant against the release
 *  module before it runs a mutant (sameLayout). */
const MEMORY_BASE = '1024';
/** The module's bytes (null when it does not compile) and the compiler's messages (the schema
 *  maps errors back to its sites). */
async function compileWithErrors(work, mod, outFile) {
  asc ??= (await import(join(root, 'node_modules', 'assemblyscript', 'dist', 'asc.js'))).default;
  const errs = [];
  const stream = { write: (s) => { errs.push(String(s)); return true; } };
  const r = await asc.main([ENTRIES[mod], '--baseDir', work, '--config', 'asconfig.json', '--target', 'release',
    '--optimizeLevel', '0', '--shrinkLevel', '0', '--memoryBase', MEMORY_BASE, ...(FLAGS[mod] ?? []), '-o', outFile], { stdout: stream, stderr: stream });
  return { bytes: r.error ? null : readFileSync(outFile), errors: errs.join('') };
}
const compile = async (work, mod, outFile) => (await compileWithErrors(work, mod, outFile)).bytes;

/** The first exported constant (X_PTR, X_LEN, …) whose value differs between two builds, or null. */
function sameLayout(a, b) {
  const globals = (bytes) => {
    const e = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
    return Object.fromEntries(Object.entries(e).filter(([, v]) => v instanceof WebAssembly.Global).map(([k, v]) => [k, v.value]));
  };
  const ga = globals(a), gb = globals(b);
  for (const k of new Set([...Object.keys(ga), ...Object.keys(gb)])) if (ga[k] !== gb[k]) return `${k} (${ga[k]} vs ${gb[k]})`;
  return null;
}

// Tests about the optimised build's shape rather than behaviour (the README tables are generated
// from the release module; the USIM module's 8 KiB budget holds for the release build only); a -O0
// mutant build would fail them whatever the mutation.
const SKIP_TESTS = '^(?!.*(README ABI tables|≤ 8 KiB)).*$';

// ---------------------------------------------------------------------------------------------
// Lane: one work copy, one persistent Vitest instance, mutants one at a time from the parent.
// Vitest runs the test files in one worker thread without isolation (no process or worker start,
// transforms cached: a 3-file stage costs ~1.8 s instead of ~6 s for a spawned vitest), and a
// setup file resets the module registry before each test file so every file instantiates the
// build/*.wasm of the current mutant. The lane proves both at start (canary below).
// ---------------------------------------------------------------------------------------------
async function laneMain({ schema: useSchema }) {
  const send = (msg) => new Promise((ok) => process.send(msg, ok));
  const { base, work } = makeWorkArea();
  const cleanup = () => rmSync(base, { recursive: true, force: true });
  process.on('disconnect', () => { cleanup(); process.exit(0); });
  const initP = new Promise((ok) => process.once('message', ok));
  await send({ type: 'base', base });
  const init = await initP;
  const used = init.used, schemaFiles = new Set(init.schemaFiles ?? []);
  const baseline = {};
  for (const mod of Object.keys(ENTRIES)) {
    const b = await compile(work, mod, join(work, 'build', `${mod}.wasm`));
    if (!b) throw new Error(`the unmutated ${mod} module does not compile`);
    const differs = sameLayout(b, readFileSync(join(root, 'build', `${mod}.wasm`)));
    if (differs) throw new Error(`the -O0 ${mod} module's ${differs} differs from build/${mod}.wasm (memory base?)`);
    baseline[mod] = b;
  }
  const reset = join(work, 'tests', 'mutate-reset-modules.ts');
  // the build the next run tests: the setup file hands it to each test file as UE_KEYS_VARIANT (the
  // worker thread keeps its own process.env, so it is passed through a file of the work copy)
  const variantFile = join(work, 'build', 'mutate-variant.txt');
  const useBuild = (v) => writeFileSync(variantFile, v);
  useBuild('fast');
  writeFileSync(reset, `import { vi } from 'vitest';\nimport { readFileSync } from 'node:fs';\nvi.resetModules();\nprocess.env.UE_KEYS_VARIANT = readFileSync(${JSON.stringify(variantFile)}, 'utf8');\n`);
  const { createVitest } = await import(pathToFileURL(join(root, 'node_modules', 'vitest', 'dist', 'node.js')).href);
  const vitest = await createVitest('test', {
    root: work, watch: false, reporters: [{}], bail: 1, cache: false, pool: 'threads', isolate: false, maxWorkers: 1,
    testNamePattern: SKIP_TESTS, testTimeout: 120000, setupFiles: [reset], // a slow shared machine must not pass for a kill
  });
  await vitest.standalone();
  const project = vitest.getRootProject();
  /** Runs whole test files, or (ids given: file → test ids) only those tests of them. */
  const run = async (files, ids = null) => {
    const t0 = Date.now(), paths = files.map((f) => join(work, f));
    // Vitest's state keeps every file of earlier runs: start these files afresh, and judge only them
    vitest.state.clearFiles(project, paths);
    const r = ids
      ? await vitest.runTestSpecifications(files.map((f) => project.createSpecification(join(work, f), { testIds: ids.get(f) })))
      : await vitest.runTestFiles(paths);
    const mods = r.testModules.filter((m) => paths.includes(m.moduleId));
    const failedTests = mods.flatMap((m) => [...m.children.allTests('failed')].map((t) => ({ file: relative(work, m.moduleId).split(sep).join('/'), id: t.id, name: t.fullName, ms: t.diagnostic()?.duration ?? 0 })));
    const failed = failedTests.map((t) => `${t.file} > ${t.name}`);
    const broken = mods.filter((m) => m.errors().length).map((m) => `${relative(work, m.moduleId)}: ${String(m.errors()[0].message).split('\n')[0].slice(0, 120)}`);
    const passed = new Set(mods.flatMap((m) => [...m.children.allTests('passed')].map((t) => t.id)));
    const ok = r.unhandledErrors.length === 0 && mods.length === files.length && mods.every((m) => m.ok() && m.state() === 'passed');
    // the files that did not pass (a failed test, an error while collecting, a failing hook); all
    // of them when the run failed outside any file (an unhandled error)
    const notPassed = mods.filter((m) => !(m.ok() && m.state() === 'passed')).map((m) => relative(work, m.moduleId).split(sep).join('/'));
    const failedFiles = r.unhandledErrors.length || mods.length !== files.length || !notPassed.length ? files : notPassed;
    return { ok, ms: Date.now() - t0, passed, failedTests, failedFiles, detail: failed[0] ?? broken[0] ?? (r.unhandledErrors.length ? 'unhandled error' : 'test run failed') };
  };
  /** Killer tests (file, id) → per build: passes alone on the unmutated build? (checked once per lane) */
  const verified = new Map();
  const byFile = (tests) => {
    const ids = new Map();
    for (const t of tests) ids.set(t.file, [...(ids.get(t.file) ?? []), t.id]);
    return ids;
  };
  // every suite the selected mutants use must pass on the unmutated -O0 build (else a "kill"
  // would mean nothing); canary: with every module replaced by a module that has no exports they
  // must fail (so a test file never reuses the bytes of an earlier run), and pass again after.
  let b0ms = 0;
  for (const v of BUILDS) {
    useBuild(v);
    const b0 = await run(used);
    if (!b0.ok) throw new Error(`the unmutated -O0 ${v} build fails the fast suites: ${b0.detail}`);
    b0ms += b0.ms;
  }
  useBuild('fast');
  const empty = Buffer.from('0061736d01000000', 'hex');
  for (const mod of Object.keys(ENTRIES)) writeFileSync(join(work, 'build', `${mod}.wasm`), empty);
  // (one file each from the two ends of the list is enough to show the mechanism; a few suites,
  // e.g. the USIM file encodings, never load a module and pass either way)
  const canary = [];
  for (const f of new Set([used[0], used[used.length - 1]])) canary.push((await run([f])).ok);
  for (const mod of Object.keys(ENTRIES)) writeFileSync(join(work, 'build', `${mod}.wasm`), baseline[mod]);
  if (canary.every((ok) => ok)) throw new Error(`the fast suites pass without firmware: ${used[0]}, ${used[used.length - 1]}`);
  const b1 = await run(used);
  if (!b1.ok) throw new Error(`the fast suites fail again on the unmutated build after a failing run: ${b1.detail}`);
  const modFiles = moduleFiles();
  // a mutant may run the stages once per build: its time limit covers both
  await send({ type: 'ready', ms: Math.max(b0ms, 2 * b1.ms) });

  // Mutant schemata (mutation/schema.mjs): one compile per file and module; each mutant then only
  // patches the switch. file → { ids: mutant id → switch value, mods: module → bytes, at } or null.
  const schemas = new Map();
  const schemaFor = async (file, mods) => {
    if (!useSchema || !schemaFiles.has(file)) return null;
    if (schemas.has(file)) return schemas.get(file);
    const src = join(work, file), original = readFileSync(src, 'utf8');
    let entry = null;
    const muts = mutantsOf(file, original);
    const t0 = Date.now();
    await send({ type: 'pause' }); // compiling a schema is not the mutant's time (the parent's limit)
    try {
      const built = await buildSchema({
        file, text: original, mutants: muts, sites: await sitesOf(file, original, muts), mods, idOf,
        compile: async (text, mod) => { writeFileSync(src, text); return compileWithErrors(work, mod, join(work, 'build', `${mod}.wasm`)); },
        // the switch at 0 must lay memory out as the release build does, like every -O0 build
        layoutDiffers: (bytes, mod) => sameLayout(bytes, baseline[mod]),
      });
      if (built) entry = { ids: built.ids, mods: built.mods, at: built.at, confirmed: new Map() };
    } finally {
      writeFileSync(src, original);
      for (const mod of mods) writeFileSync(join(work, 'build', `${mod}.wasm`), baseline[mod]);
    }
    await send({ type: 'resume' });
    await send({ type: 'note', text: `schema ${file}: ${entry ? `${entry.ids.size} of ${muts.length} mutants switched` : 'none (each mutant built alone)'} (${Date.now() - t0} ms)` });
    schemas.set(file, entry);
    return entry;
  };
  const useModules = (entry, mods, k) => { for (const mod of mods) writeFileSync(join(work, 'build', `${mod}.wasm`), withSwitch(entry.mods[mod], entry.at[mod], k)); };
  const restore = (mods) => { for (const mod of mods) writeFileSync(join(work, 'build', `${mod}.wasm`), baseline[mod]); };

  process.on('message', async ({ m, killers = [], alone = false }) => {
    const mods = Object.keys(ENTRIES).filter((k) => modFiles[k].has(m.file));
    const builds = BUILDS.filter((v) => mods.some((mod) => VARIANT_OF[mod] === v));
    const phases = { verify: 0, compile: 0, quick: 0, stages: 0, schema: 0 };
    let tp = Date.now();
    const phase = (k) => { const t = Date.now(); phases[k] += t - tp; tp = t; };
    const t0 = Date.now();
    let out = null;
    try {
      const entry = alone ? null : await schemaFor(m.file, mods);
      phase('schema');
      const k = entry?.ids.get(idOf(m));
      // (the parent gives a switched mutant that overruns its time a second run, built alone)
      if (k) { await send({ type: 'switched' }); out = await runSwitched(m, entry, k, mods, builds, killers, phase); }
      // no test failed with the switch at k: the mutant's own build decides only between
      // equivalent (binary-identical), invalid and survived — the tests already ran on it
      if (out === 'passed') out = await judgeAlone(m, mods, builds, phase);
      if (!out) out = await runAlone(m, mods, builds, killers, phase);
    } finally { restore(mods); }
    await send({ type: 'result', ...out, phases, ms: Date.now() - t0 });
  });

  /** The mutant as switch k of its file's schema: killed when a run fails with the switch at k
   *  (a failed test, or a file that errors while collecting or in a hook — a mutant that traps
   *  while the module is instantiated) and the same selection passes with the switch at 0 (the
   *  failing test alone for a killer run, the failing file whole for a stage; checked once per
   *  build and selection); 'passed' when every stage passes; null when the schema turned out
   *  unusable (the mutant is then built alone). */
  const runSwitched = async (m, entry, k, mods, builds, killers, phase) => {
    const attempt = async (v, r, ids) => {
      if (r.ok) return null;
      const t = r.failedTests[0] ?? null;
      const files = t ? [t.file] : r.failedFiles;
      const sel = ids && t ? new Map([[t.file, [t.id]]]) : null;
      const key = `${v}|${files.join(',')}|${sel ? t.id : '*'}`;
      if (!entry.confirmed.has(key)) {
        useModules(entry, mods, 0);
        entry.confirmed.set(key, (await run(files, sel)).ok);
        useModules(entry, mods, k);
      }
      if (!entry.confirmed.get(key)) { schemas.set(m.file, null); return 'broken'; }
      return { status: 'killed', detail: `[${v}] ${r.detail}`, killer: t, bad: [] };
    };
    // every build's best killers first, then the stages build by build
    for (const v of builds) {
      if (!killers.length) break;
      useBuild(v); useModules(entry, mods.filter((mod) => VARIANT_OF[mod] === v), k);
      const ids = byFile(killers);
      const got = await attempt(v, await run([...ids.keys()], ids), true);
      phase('quick');
      if (got === 'broken') return null;
      if (got) return got;
    }
    for (const v of builds) {
      useBuild(v); useModules(entry, mods.filter((mod) => VARIANT_OF[mod] === v), k);
      for (const stage of stagesFor(m.file)) {
        if (!stage.length) continue;
        const got = await attempt(v, await run(stage), false);
        phase('stages');
        if (got === 'broken') return null;
        if (got) return got;
      }
    }
    return 'passed';
  };

  /** Compiles the mutant alone, build by build: equivalent when every module is binary-identical
   *  to the unmutated build, invalid when one does not compile, else survived. */
  const judgeAlone = async (m, mods, builds, phase) => {
    const src = join(work, m.file), original = readFileSync(src, 'utf8');
    try {
      writeFileSync(src, applyMutant(m, original));
      let changed = false;
      for (const v of builds) {
        for (const mod of mods.filter((k) => VARIANT_OF[k] === v)) {
          const b = await compile(work, mod, join(work, 'build', `${mod}.wasm`));
          if (b === null) return { status: 'invalid', detail: '', killer: null, bad: [] };
          if (Buffer.compare(b, baseline[mod]) !== 0) changed = true;
        }
        if (changed) break;
      }
      phase('compile');
      return changed ? { status: 'survived', detail: 'every stage passed (schema)', killer: null, bad: [] }
        : { status: 'equivalent', detail: 'binary-identical', killer: null, bad: [] };
    } finally { writeFileSync(src, original); restore(mods); }
  };

  /** The mutant compiled on its own (no schema, or it survived its schema run). */
  const runAlone = async (m, mods, builds, killers, phase) => {
    restore(mods); // (after a schema that turned out unusable, its modules are still in build/)
    const src = join(work, m.file), original = readFileSync(src, 'utf8');
    let status, detail = '', killer = null;
    const bad = [];
    // Test prioritisation (as Stryker orders tests by what killed before): the tests that killed
    // earlier mutants of this file run alone first; only a mutant they do not kill runs the stages.
    // A killer must pass alone on the unmutated build (else a test that leans on an earlier test's
    // state would "kill" every mutant): checked once per build and lane, before the mutant is made.
    const quick = {};
    for (const v of builds) {
      useBuild(v);
      const fresh = killers.filter((t) => !verified.has(`${v}|${t.file}|${t.id}`));
      if (fresh.length) {
        const r = await run([...new Set(fresh.map((t) => t.file))], byFile(fresh));
        const failedIds = new Set(r.failedTests.map((t) => t.id));
        // a test that did not run counts as not verified either
        for (const t of fresh) verified.set(`${v}|${t.file}|${t.id}`, r.passed.has(t.id) && !failedIds.has(t.id));
      }
      quick[v] = killers.filter((t) => verified.get(`${v}|${t.file}|${t.id}`));
      for (const t of killers) if (!verified.get(`${v}|${t.file}|${t.id}`)) bad.push(t);
    }
    phase('verify');
    try {
      writeFileSync(src, applyMutant(m, original));
      // build by build (small first), compiling a build's modules only when it is its turn: a
      // mutant the small build kills never pays for the fast build's compiles
      let changed = false;
      for (const v of builds) {
        const built = [];
        for (const mod of mods.filter((k) => VARIANT_OF[k] === v)) built.push([mod, await compile(work, mod, join(work, 'build', `${mod}.wasm`))]);
        phase('compile');
        if (built.some(([, b]) => b === null)) { status = 'invalid'; break; }
        if (built.every(([mod, b]) => Buffer.compare(b, baseline[mod]) === 0)) continue;
        changed = true;
        useBuild(v);
        let r = { ok: true };
        if (quick[v].length) {
          r = await run([...new Set(quick[v].map((t) => t.file))], byFile(quick[v]));
          if (!r.ok && r.failedTests.length) { killer = r.failedTests[0]; }
          else r = { ok: true };
          phase('quick');
        }
        if (r.ok) {
          for (const stage of stagesFor(m.file)) {
            if (!stage.length) continue;
            r = await run(stage);
            if (!r.ok) { killer = r.failedTests[0] ?? null; break; }
          }
          phase('stages');
        }
        if (!r.ok) { status = 'killed'; detail = `[${v}] ${r.detail}`; break; }
      }
      if (!status) {
        if (changed) status = 'survived';
        else { status = 'equivalent'; detail = 'binary-identical'; }
      }
    } finally {
      writeFileSync(src, original);
      restore(mods);
    }
    return { status, detail, killer, bad };
  };
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
// Parent: hands mutants to --jobs lanes (2 by default: a lane's compile overlaps the other's
// tests), kills a lane whose mutant overruns (an endless loop in wasm cannot be interrupted from
// inside) and starts a fresh one.
// ---------------------------------------------------------------------------------------------
async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.lane) { await laneMain(o); return null; }
  const files = listTs(join(root, 'assembly')).filter((f) => !f.endsWith(join('me', 'vectors.ts')))
    .filter((f) => !o.files.length || o.files.some((p) => relative(root, f).startsWith(p)));
  let mutants = files.flatMap((f) => mutantsOf(relative(root, f).split(sep).join("/"), readFileSync(f, "utf8")));
  if (o.only.length) mutants = mutants.filter((m) => o.only.some((t) => idOf(m).includes(t) || m.original.includes(t)));
  const all = mutants.length;
  if (o.sample && o.sample < mutants.length) {
    const r = rng(o.seed);
    for (let i = mutants.length - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [mutants[i], mutants[j]] = [mutants[j], mutants[i]]; }
    mutants = mutants.slice(0, o.sample).sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
  }
  if (o.list) { for (const m of mutants) process.stdout.write(`${idOf(m)}\n`); process.stderr.write(`${mutants.length} of ${all} mutants\n`); return 0; }
  if (!existsSync(join(root, 'build', 'ue.wasm')) || !existsSync(join(root, 'build', 'cli.mjs'))) {
    process.stderr.write('mutate-firmware: build/ is missing (run npm run build first)\n'); return 2;
  }

  const eq = readEquivalents();
  const inc = o.incremental ? readIncremental(o.incremental) : null;
  // a run over every mutant (no --sample/--files/--only) drops the entries of mutants that no
  // longer exist; a partial run keeps the others as they are
  if (inc && !o.sample && !o.files.length && !o.only.length) {
    const ids = new Set(mutants.map(idOf));
    for (const id of Object.keys(inc)) if (!ids.has(id)) delete inc[id];
  }
  const keys = inc ? mutants.map(keyOf) : [];
  const cached = inc ? mutants.map((m, i) => (stillHolds(inc[idOf(m)], m, keys[i]) ? inc[idOf(m)] : null)) : [];
  // an entry decided on today's tree (full key) but written before entries kept the file and
  // killer hashes gets them now (every entry of the file, not only this run's selection), so it
  // survives a later edit of another test of its stages
  if (inc) for (const [id, e] of Object.entries(inc)) {
    const m = { file: id.slice(0, id.indexOf(':')) };
    if (!e.file && existsSync(join(root, m.file)) && e.key === keyOf(m)) inc[id] = entryOf(m, e.key, e.status, e.detail);
  }
  const reused = cached.filter(Boolean).length;
  const toRun = mutants.map((_, i) => i).filter((i) => !cached[i]);
  const writeIncremental = () => {
    // one mutant per line, sorted, so a diff of the tracked file shows which outcomes changed
    const lines = Object.entries(inc).sort(([a], [b]) => a.localeCompare(b)).map(([id, e]) => `${JSON.stringify(id)}:${JSON.stringify(e)}`);
    writeFileSync(o.incremental, `{"version":1,"mutants":{\n${lines.join(',\n')}\n}}\n`);
  };
  const used = [...new Set(toRun.flatMap((i) => stagesFor(mutants[i].file).flat()))];
  // a schema costs a few compiles of its own: worth it for a file with many mutants to run, not
  // for the one or two a sample draws
  const perFile = new Map();
  for (const i of toRun) perFile.set(mutants[i].file, (perFile.get(mutants[i].file) ?? 0) + 1);
  const schemaFiles = [...perFile].filter(([, n]) => n >= SCHEMA_MIN).map(([f]) => f);
  const s = { killed: 0, survived: 0, equivalent: 0, invalid: 0 }, results = new Array(mutants.length), survivors = [];
  const t0 = Date.now();
  let next = 0, done = 0;
  const lanes = new Set();
  const cleanup = () => { for (const l of lanes) l.kill(); };
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { cleanup(); if (inc) writeIncremental(); process.exit(130); });

  const record = (i, status, detail, ms, quiet = false, phases = undefined) => {
    const m = mutants[i], raw = status, rawDetail = detail;
    if (status === 'survived' && isListed(m, eq)) { status = 'equivalent'; detail = 'tests/MUTANTS.md'; }
    s[status]++;
    results[i] = { id: idOf(m), status, detail, ms, phases, original: m.original, mutated: m.mutated };
    done++;
    if (inc && !cached[i]) {
      // the runner's own verdict, before tests/MUTANTS.md; no machine path in a tracked file
      inc[idOf(m)] = entryOf(m, keys[i], raw, String(rawDetail ?? '').replace(/\/\S*ue-keys-mutate-[^/\s]*\/repo\//g, '').slice(0, 200));
      if (done % 10 === 0) writeIncremental();
    }
    if (status === 'survived') process.stderr.write(`${process.stderr.isTTY ? '\n' : ''}survived: ${idOf(m)}\n`);
    // the report is rewritten as results come in, so an interrupted run still leaves them
    if (o.report && (done % 10 === 0 || done === mutants.length)) writeReport(true);
    if (!quiet) progress(done, mutants.length, s, t0);
  };
  const writeReport = (partial) => writeFileSync(o.report, JSON.stringify({ partial, done, of: mutants.length, seconds: Math.round((Date.now() - t0) / 1000), ...s, results: results.filter(Boolean) }, null, 1) + '\n');

  // The tests that killed earlier mutants of a file, by kills per second of their run time: each
  // lane runs the best few alone before a mutant's stages (a test that fails alone on the unmutated build is dropped).
  const killers = new Map(), dropped = new Set(), aloneAgain = new Set();
  const learn = (file, killer, bad = []) => {
    for (const t of bad) dropped.add(`${t.file}|${t.id}`);
    if (!killer || dropped.has(`${killer.file}|${killer.id}`)) return;
    const k = killers.get(file) ?? new Map(), key = `${killer.file}|${killer.id}`;
    const was = k.get(key);
    // the test's time: the slowest seen (a fuzz campaign that kills at once may take seconds on a
    // mutant that survives the first case of another test)
    k.set(key, { file: killer.file, id: killer.id, n: (was?.n ?? 0) + 1, ms: Math.max(was?.ms ?? 0, killer.ms ?? 0) });
    killers.set(file, k);
  };
  const killersFor = (file) => [...(killers.get(file)?.values() ?? [])].filter((t) => !dropped.has(`${t.file}|${t.id}`))
    .sort((a, b) => b.n / Math.max(b.ms, 50) - a.n / Math.max(a.ms, 50)).slice(0, 3).map(({ file: f, id }) => ({ file: f, id }));
  await new Promise((finish, fail) => {
    const startLane = () => {
      const child = fork(fileURLToPath(import.meta.url), ['--lane', ...(o.schema ? [] : ['--no-schema'])], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: true });
      const lane = { child, base: '', current: -1, timer: null, timeout: 0, out: '', dead: false };
      lane.kill = () => {
        if (lane.dead) return;
        lane.dead = true; clearTimeout(lane.timer); lanes.delete(lane);
        try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
        if (lane.base) rmSync(lane.base, { recursive: true, force: true });
      };
      lanes.add(lane);
      child.stdout.on('data', (d) => { lane.out = (lane.out + d).slice(-4000); });
      child.stderr.on('data', (d) => { lane.out = (lane.out + d).slice(-4000); });
      const arm = () => {
        clearTimeout(lane.timer);
        lane.timer = setTimeout(() => { // overran: counted as killed (the old runner's rule too)
          const i = lane.current; lane.current = -1; lane.kill();
          // a switched mutant's time includes the schema's own checks: it gets one more run, built
          // alone, before an overrun counts as a kill
          if (lane.switched && !aloneAgain.has(i)) { aloneAgain.add(i); toRun.push(i); }
          else record(i, 'killed', 'timeout', lane.timeout);
          // a replacement only while mutants are left (a lane's start runs the baseline once per
          // build: waiting for one with nothing to do held the summary back by a minute)
          if (next < toRun.length) startLane(); else if (!lanes.size) finish();
        }, lane.timeout);
      };
      const give = () => {
        if (next >= toRun.length) { lane.kill(); if (!lanes.size) finish(); return; }
        lane.current = toRun[next++];
        arm();
        lane.switched = false;
        child.send({ m: mutants[lane.current], killers: killersFor(mutants[lane.current].file), alone: aloneAgain.has(lane.current) });
      };
      child.on('message', (msg) => {
        if (msg.type === 'base') { lane.base = msg.base; child.send({ used, schemaFiles }); }
        else if (msg.type === 'ready') { lane.timeout = 2 * msg.ms + 30_000; give(); }
        else if (msg.type === 'pause') clearTimeout(lane.timer);
        else if (msg.type === 'switched') lane.switched = true;
        else if (msg.type === 'note') process.stderr.write(`${process.stderr.isTTY ? '\n' : ''}${msg.text}\n`);
        else if (msg.type === 'resume') arm();
        else if (msg.type === 'result') {
          clearTimeout(lane.timer);
          const i = lane.current; lane.current = -1;
          learn(mutants[i].file, msg.killer, msg.bad);
          record(i, msg.status, msg.detail, msg.ms, false, msg.phases);
          give();
        }
      });
      child.on('exit', (code, signal) => {
        if (lane.dead) return;
        lane.kill();
        fail(new Error(`a lane stopped (${signal ?? code})${lane.current >= 0 ? ` on ${idOf(mutants[lane.current])}` : ''}:\n${lane.out.slice(-3000)}`));
      });
    };
    for (const [i, c] of cached.entries()) if (c) record(i, c.status, c.detail, 0, true);
    if (reused) progress(done, mutants.length, s, t0);
    if (!toRun.length) finish();
    for (let j = 0; j < Math.min(o.jobs, toRun.length); j++) startLane();
  }).finally(() => { cleanup(); if (inc) writeIncremental(); });
  if (process.stderr.isTTY) process.stderr.write('\n');
  for (const r of results) if (r.status === 'survived') survivors.push(r.id);

  const total = s.killed + s.survived + s.equivalent;
  const score = s.killed + s.survived ? (100 * s.killed) / (s.killed + s.survived) : 100;
  const secs = Math.round((Date.now() - t0) / 1000);
  const summary = `firmware mutants: ${total} run (${s.invalid} more did not compile), ${s.killed} killed, ${s.survived} survived, ${s.equivalent} equivalent; score ${score.toFixed(1)} % of non-equivalent in ${secs} s with ${o.jobs} lane(s)${o.sample ? ` (sample ${o.sample} of ${all}, seed ${o.seed})` : o.files.length || o.only.length ? ` (${mutants.length} of ${all})` : ` (all ${all})`}${inc ? `; ${reused} outcome(s) reused from ${o.incremental}` : ''}`;
  if (o.report) writeFileSync(o.report, JSON.stringify({ summary, score, ...s, total, seconds: secs, results }, null, 1) + '\n');
  if (o.json) { process.stderr.write(summary + '\n'); process.stdout.write(JSON.stringify({ total, killed: s.killed, survived: s.survived, equivalent: s.equivalent, survivors }) + '\n'); }
  else process.stdout.write(summary + '\n');
  if (o.min !== null && score < o.min) { process.stderr.write(`mutate-firmware: score ${score.toFixed(1)} % is below the goal of ${o.min} %\n`); return 1; }
  return 0;
}

// A closed pipe on stdout or stderr (`… | head`) must not end a run of hours half-way: the
// progress is lost, the incremental file and the report are still written to the end.
for (const stream of [process.stdout, process.stderr]) stream.on('error', (e) => { if (e.code !== 'EPIPE') throw e; });
main().then((c) => { if (c !== null) process.exitCode = c; }, (e) => {
  process.stderr.write(`mutate-firmware: ${e.message}\n`);
  if (process.send) process.exit(1); // a lane: the parent reports it
  process.exitCode = 1;
});
