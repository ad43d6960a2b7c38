#!/usr/bin/env node
// Host mutation testing (issue 16): Stryker over host/ue, host/usim, host/storage, host/network and
// host/scenarios with the config in tests/mutation/, then the score of those directories from
// Stryker's JSON report. Stryker's incremental file (tests/mutation/stryker-incremental.json) keeps
// every mutant's result by file content, so a later run only re-tests what changed.
//
// Usage: node host/tools/mutate-host.mjs [--measured] [--min PERCENT] [--mutate GLOB]…
//   --measured  only the files the incremental file already holds (CI: unchanged files are reused,
//               changed ones re-tested; files never measured are left to a full run)
//   --min P     exit 1 when killed / (killed + survived) is below P percent
//   --mutate G  instead of the config's five directories (repeatable)
//   --concurrency N  Stryker workers (the config's default is 2, for CI; 1 on a shared machine)
//   --tests G   run only these test files against the mutants (repeatable; default every test):
//               a fast subset for measuring one area on a loaded machine. A mutant that survives
//               the subset may still be killed by another test, so the score is a lower bound;
//               the incremental file keeps the result and a later full run re-tests only
//               survivors that new tests cover.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const config = 'tests/mutation/stryker.config.mjs';
const incremental = join(root, 'tests', 'mutation', 'stryker-incremental.json');
const reportFile = join(root, 'tests', 'mutation', 'report', 'mutation.json');
const DIRS = ['host/ue/', 'host/usim/', 'host/storage/', 'host/network/', 'host/scenarios/'];

const o = { measured: false, min: null, mutate: [], concurrency: null, tests: [] };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--measured') o.measured = true;
  else if (a === '--min' && /^\d+$/.test(argv[i + 1] ?? '')) o.min = Number(argv[++i]);
  else if (a === '--mutate' && argv[i + 1]) o.mutate.push(argv[++i]);
  else if (a === '--tests' && argv[i + 1]) o.tests.push(argv[++i]);
  else if (a === '--concurrency' && /^[1-9]\d*$/.test(argv[i + 1] ?? '')) o.concurrency = Number(argv[++i]);
  else { process.stderr.write(`mutate-host: bad option ${JSON.stringify(a)} (--measured, --min PERCENT, --mutate GLOB, --concurrency N, --tests GLOB)\n`); process.exit(2); }
}

const rel = (p) => (p.startsWith('/') ? relative(root, p) : p).split('\\').join('/');
function filesOf(report) {
  return Object.entries(JSON.parse(readFileSync(report, 'utf8')).files ?? {}).map(([p, f]) => [rel(p), f]);
}

if (o.measured) {
  if (!existsSync(incremental)) { process.stderr.write('mutate-host: no tests/mutation/stryker-incremental.json yet: nothing measured to re-check\n'); process.exit(0); }
  o.mutate = filesOf(incremental).map(([p]) => p).filter((p) => DIRS.some((d) => p.startsWith(d)) && existsSync(join(root, p)));
  if (!o.mutate.length) { process.stderr.write('mutate-host: the incremental file holds no host file\n'); process.exit(0); }
}
const args = ['stryker', 'run', config, ...(o.mutate.length ? ['--mutate', o.mutate.join(',')] : []),
  ...(o.concurrency ? ['--concurrency', String(o.concurrency)] : [])];
// tests/mutation/vitest.config.mjs reads the subset from the environment (Stryker's vitest runner
// takes no test list of its own).
const env = { ...process.env, ...(o.tests.length ? { UE_KEYS_MUTATION_TESTS: o.tests.join(',') } : {}) };
const r = spawnSync('npx', args, { cwd: root, stdio: 'inherit', env });
if (r.status !== 0) { process.stderr.write(`mutate-host: stryker exited with ${r.status ?? r.signal}\n`); process.exit(1); }

// The incremental file is tracked in git: keep this machine's paths out of it (Stryker records the
// project root, its temp dir and, in kill reasons, temporary image paths; none is used to match
// mutants, which go by relative file path and content).
if (existsSync(incremental)) {
  const inc = JSON.parse(readFileSync(incremental, 'utf8'));
  inc.projectRoot = '.';
  if (inc.config) { delete inc.config.tempDirName; delete inc.config.projectRoot; }
  const text = JSON.stringify(inc, null, 2).split(root).join('.').replace(/\/tmp\/[^\s'"\\]*/g, '<tmp>');
  writeFileSync(incremental, text + '\n');
}

// Score: killed (incl. timeouts) / (killed + survived + no coverage), compile/runtime errors left out.
// Ignored = static mutants (ignoreStatic in the config): reported, not scored.
let killed = 0, survived = 0, ignored = 0;
const perFile = [];
for (const [p, f] of filesOf(reportFile)) {
  if (!DIRS.some((d) => p.startsWith(d))) continue;
  let k = 0, s = 0, g = 0;
  for (const m of f.mutants ?? []) {
    if (m.status === 'Killed' || m.status === 'Timeout') k++;
    else if (m.status === 'Survived' || m.status === 'NoCoverage') s++;
    else if (m.status === 'Ignored') g++;
  }
  killed += k; survived += s; ignored += g;
  perFile.push(`${p}: ${k} killed, ${s} survived${k + s ? ` (${((100 * k) / (k + s)).toFixed(1)} %)` : ''}${g ? `, ${g} static not run` : ''}`);
}
const score = killed + survived ? (100 * killed) / (killed + survived) : 100;
process.stdout.write(`${perFile.join('\n')}\nhost mutants: ${killed} killed, ${survived} survived${ignored ? `, ${ignored} static not run` : ''}; score ${score.toFixed(1)} %\n`);
if (o.min !== null && score < o.min) { process.stderr.write(`mutate-host: score ${score.toFixed(1)} % is below the goal of ${o.min} %\n`); process.exit(1); }
