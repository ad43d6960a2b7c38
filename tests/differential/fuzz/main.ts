// `npm run fuzz [-- --seed N] [--runs N] [--only NAME,...]`: runs every campaign of campaigns.ts
// with a progress bar on stderr and prints the figures (cases, clean, defects) on stdout.
// Exit 0 when no campaign found a defect, 1 otherwise, 2 for a bad argument.
import { campaigns } from './campaigns.js';

function fail(msg: string): never { process.stderr.write(`fuzz: ${msg}\n`); process.exit(2); }

function parse(argv: string[]): { seed: number; runs?: number; only?: string[] } {
  const o: { seed: number; runs?: number; only?: string[] } = { seed: 17 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i] ?? fail(`${flag} needs a value`);
    if (flag === '--seed') { const v = Number(value()); if (!Number.isSafeInteger(v)) fail('--seed must be an integer'); o.seed = v; }
    else if (flag === '--runs') { const v = Number(value()); if (!Number.isSafeInteger(v) || v < 1) fail('--runs must be a positive integer'); o.runs = v; }
    else if (flag === '--only') { o.only = value().split(','); for (const n of o.only) if (!campaigns.some((c) => c.name === n)) fail(`--only: no campaign ${JSON.stringify(n)} (campaigns: ${campaigns.map((c) => c.name).join(', ')})`); }
    else fail(`${argv[i]} is not a flag (flags: --seed N, --runs N, --only NAME,...)`);
  }
  return o;
}

function bar(name: string, done: number, total: number, t0: number): void {
  if (!process.stderr.isTTY && done !== total && done % Math.max(1, Math.floor(total / 10)) !== 0) return;
  const w = 30, f = Math.round((w * done) / Math.max(1, total));
  const line = `${name.padEnd(12)} [${'#'.repeat(f)}${'.'.repeat(w - f)}] ${done}/${total} ${((Date.now() - t0) / 1000).toFixed(1)} s`;
  process.stderr.write(process.stderr.isTTY ? `\r${line}` : `${line}\n`);
}

const opts = parse(process.argv.slice(2));
const rows: Array<{ name: string; cases: number; clean: number; defects: number; seconds: number }> = [];
let defects = 0;
for (const c of campaigns) {
  if (opts.only && !opts.only.includes(c.name)) continue;
  const runs = opts.runs ?? c.defaultRuns, t0 = Date.now();
  const r = await c.run({ seed: opts.seed, runs, onProgress: (d, t) => bar(c.name, d, t, t0) });
  if (process.stderr.isTTY) process.stderr.write('\n');
  rows.push({ name: c.name, cases: r.cases, clean: r.clean, defects: r.defects, seconds: (Date.now() - t0) / 1000 });
  defects += r.defects;
  for (const d of r.details) process.stderr.write(`  defect: ${d}\n`);
}
console.log(`fuzz (seed ${opts.seed})`);
console.log(`${'campaign'.padEnd(12)}${'cases'.padStart(10)}${'clean'.padStart(10)}${'defects'.padStart(9)}${'seconds'.padStart(9)}`);
for (const r of rows) console.log(`${r.name.padEnd(12)}${String(r.cases).padStart(10)}${String(r.clean).padStart(10)}${String(r.defects).padStart(9)}${r.seconds.toFixed(1).padStart(9)}`);
const sum = rows.reduce((a, r) => ({ cases: a.cases + r.cases, clean: a.clean + r.clean }), { cases: 0, clean: 0 });
console.log(`${'total'.padEnd(12)}${String(sum.cases).padStart(10)}${String(sum.clean).padStart(10)}${String(defects).padStart(9)}`);
process.exitCode = defects ? 1 : 0;
