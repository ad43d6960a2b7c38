// `npm run test:native`: for each build (small: build/ue.wasm and build/usim.wasm; fast: build/ue-fast.wasm
// and build/usim-fast.wasm), translate both modules with wasm2c, compile them with gcc and
// host/tools/native/ue_keys_test.c into build/native/<variant>/ue_keys_test, and run the official vectors
// (host/tools/native/cases.mjs, from tests/vectors) through the documented ABI (build/ue_keys.h).
// Needs Debian's `wabt` package: it ships the wasm2c C runtime (wasm-rt-impl.c) and a wasm2c of the
// same version (the npm wabt's wasm2c 1.0.39 emits code that does not compile against the 1.0.32
// runtime, so the translator is taken from the package whose runtime is used).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allCases, moduleConstants, repoRoot } from './cases.mjs';

const root = repoRoot;
const out = join(root, 'build', 'native');
const fail = (msg) => { console.error(msg); process.exit(1); };
const has = (cmd, args = ['--version']) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

// 1. Tools: the wasm2c runtime + translator (Debian wabt) and gcc.
function findRuntime() {
  let files = [];
  try { files = execFileSync('dpkg', ['-L', 'wabt'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n'); } catch { /* not installed */ }
  const impl = files.find((f) => f.endsWith('/wasm-rt-impl.c')) ?? ['/usr/share/wabt/wasm2c/wasm-rt-impl.c', '/usr/src/wasm2c/wasm-rt-impl.c'].find(existsSync);
  if (!impl || !existsSync(impl)) return null;
  const dir = impl.slice(0, impl.lastIndexOf('/'));
  const header = [join(dir, 'wasm-rt.h'), '/usr/include/wasm-rt.h', '/usr/src/wasm2c/wasm-rt.h'].find(existsSync);
  const wasm2c = files.find((f) => f.endsWith('/bin/wasm2c')) ?? '/usr/bin/wasm2c';
  if (!header || !existsSync(wasm2c)) return null;
  return { impl, incDirs: [...new Set([dir, header.slice(0, header.lastIndexOf('/'))])], wasm2c };
}
const rt = findRuntime();
if (!rt) {
  fail('test:native needs the wasm2c C runtime (wasm-rt-impl.c, wasm-rt.h) and wasm2c from Debian\'s wabt package.\n' +
    'Install it with:\n\n    apt-get install wabt\n\n(run `apt-get update` first on a fresh machine), then run `npm run test:native` again.');
}
if (!has('gcc')) fail('test:native needs a C compiler. Install it with:\n\n    apt-get install gcc\n');
for (const f of ['ue.wasm', 'usim.wasm', 'ue-fast.wasm', 'usim-fast.wasm', 'ue-vectors.wasm', 'ue-vectors-fast.wasm', 'ue_keys.h']) if (!existsSync(join(root, 'build', f))) fail(`build/${f} is missing: run \`npm run build\` first`);

mkdirSync(out, { recursive: true });
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
};
const version = execFileSync(rt.wasm2c, ['--version'], { encoding: 'utf8' }).trim();
const verbose = process.argv.includes('--verbose');

/** Translate, compile and run one build (issue 12: both builds have the same ABI, memory map and C
 *  header, so the same test program and script serve both): the small build's build/ue.wasm and
 *  build/usim.wasm, or the fast build's build/ue-fast.wasm and build/usim-fast.wasm, each under the
 *  module names "ue" and "usim" that ue_keys.h expects, in build/native/<variant>/. Returns the exit code. */
function runBuild(variant) {
  const file = (m) => (variant === 'fast' ? `${m}-fast` : m);
  const dir = join(out, variant);
  mkdirSync(dir, { recursive: true });
  for (const m of ['ue', 'usim']) run(rt.wasm2c, [`build/${file(m)}.wasm`, '-n', m, '-o', join(dir, `${m}.c`)]);
  const legacy = readFileSync(join(dir, 'ue.h'), 'utf8').includes('Z_ue_instance_t');

  // Compile the test program.
  const exe = join(dir, 'ue_keys_test');
  const inc = [...rt.incDirs, dir, join(root, 'build')].flatMap((d) => ['-I', d]);
  const defs = legacy ? ['-DUE_KEYS_WASM2C_LEGACY'] : [];
  const objs = [];
  for (const [src, obj, warn] of [[join(dir, 'ue.c'), 'ue.o', false], [join(dir, 'usim.c'), 'usim.o', false], [rt.impl, 'wasm-rt-impl.o', false],
    [join(root, 'host', 'tools', 'native', 'ue_keys_test.c'), 'ue_keys_test.o', true]]) {
    run('gcc', ['-std=gnu11', '-O2', ...(warn ? ['-Wall', '-Wextra'] : ['-w']), ...defs, ...inc, '-c', src, '-o', join(dir, obj)]);
    objs.push(join(dir, obj));
  }
  run('gcc', ['-o', exe, ...objs, '-lm']);

  // The ABI script from the official vectors.
  const bytes = { ue: readFileSync(join(root, 'build', `${file('ue')}.wasm`)), usim: readFileSync(join(root, 'build', `${file('usim')}.wasm`)), 'ue-vectors': readFileSync(join(root, 'build', `${file('ue-vectors')}.wasm`)) };
  // The C program embeds the two production modules; the primitive-level sets that need the
  // conformance build (UIA2 f9 with FRESH, raw keystreams, AES-CMAC) run under V8 and wabt instead.
  const all = allCases({ ue: moduleConstants(bytes.ue), usim: moduleConstants(bytes.usim), 'ue-vectors': moduleConstants(bytes['ue-vectors']) });
  const cases = all.filter((c) => c.module === 'ue' || c.module === 'usim');
  const lines = [];
  for (const c of cases) {
    lines.push(`case ${c.module} ${c.name.replace(/\s+/g, ' ')}`);
    for (const s of c.steps) {
      for (const i of s.inputs) lines.push(`in ${i.off} ${i.hex}`);
      lines.push(`call ${s.call} ${s.args.map((a) => a >>> 0).join(' ')}`.trimEnd());
      lines.push(`status ${s.status}`);
      for (const o of s.outputs) lines.push(`out ${o.off} ${o.bits ?? -1} ${o.hex}`);
    }
    lines.push('end');
  }
  const script = join(dir, 'cases.txt');
  writeFileSync(script, lines.join('\n') + '\n');

  // Run it.
  console.log(`native [${variant}: build/${file('ue')}.wasm, build/${file('usim')}.wasm]: ${version.startsWith('1.') ? 'wabt ' + version : version} wasm2c (${legacy ? 'legacy' : 'w2c_'} names), gcc; ${cases.length} cases from tests/vectors (${all.length - cases.length} primitive-level sets of build/${file('ue-vectors')}.wasm run in npm test)`);
  const r = spawnSync(exe, [], { input: readFileSync(script), encoding: 'utf8', maxBuffer: 64 << 20 });
  const outLines = (r.stdout ?? '').split('\n').filter(Boolean);
  for (const l of outLines) if (verbose || !l.startsWith('ok ')) console.log(l);
  if (r.stderr) process.stderr.write(r.stderr);
  if (r.status !== 0 && !outLines.some((l) => /^\d+ passed, \d+ failed$/.test(l))) fail(`build/native/${variant}/ue_keys_test exited with ${r.status ?? r.signal}`);
  return r.status ?? 1;
}

// Both builds, each to the end (a failure in one does not hide the other's result).
const codes = ['small', 'fast'].map(runBuild);
process.exit(codes.some((c) => c !== 0) ? 1 : 0);
