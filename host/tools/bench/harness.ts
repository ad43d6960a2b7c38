/**
 * A small benchmark harness: each case runs in batches until ~`ms` milliseconds have passed,
 * several rounds, and reports the median ns per call. Anything longer than a second shows a
 * progress bar on stderr (so stdout stays a clean report).
 */
export interface Result { name: string; nsPerOp: number; ops: number }

const now = (): bigint => process.hrtime.bigint();

/** A one-line progress bar on stderr; only drawn when stderr is a terminal or when forced. */
export class Progress {
  private shown = false;
  constructor(private readonly label: string, private readonly total: number) {}
  tick(done: number): void {
    if (!process.stderr.isTTY) return;
    const w = 30, f = Math.round((done / this.total) * w);
    process.stderr.write(`\r${this.label.padEnd(34).slice(0, 34)} [${'#'.repeat(f)}${'.'.repeat(w - f)}] ${done}/${this.total}`);
    this.shown = true;
  }
  done(): void { if (this.shown) process.stderr.write('\r' + ' '.repeat(80) + '\r'); }
}

/** Median ns/op of `fn` over `rounds` rounds of about `ms` each (after a warm-up). */
export function measure(name: string, fn: (i: number) => unknown, ms = 150, rounds = 7): Result {
  for (let i = 0; i < 2000; i++) fn(i); // warm-up: let V8 tier up
  let batch = 64;
  for (;;) { // size a batch to ~ms/10
    const t0 = now(); for (let i = 0; i < batch; i++) fn(i);
    if (Number(now() - t0) > (ms * 1e6) / 10 || batch > 1 << 24) break;
    batch *= 2;
  }
  const per: number[] = [];
  let ops = 0;
  const bar = new Progress(name, rounds);
  for (let r = 0; r < rounds; r++) {
    let n = 0; const t0 = now(); let t = t0;
    while (Number(t - t0) < ms * 1e6) { for (let i = 0; i < batch; i++) fn(n + i); n += batch; t = now(); }
    per.push(Number(t - t0) / n); ops += n;
    bar.tick(r + 1);
  }
  bar.done();
  per.sort((a, b) => a - b);
  return { name, nsPerOp: per[Math.floor(per.length / 2)], ops };
}

/** Print a group of results side by side, each with its ratio to the baseline (first row unless named). */
export function table(title: string, rows: Result[], baseline = rows[0].name, note = 'speed-up vs'): void {
  const base = rows.find((r) => r.name === baseline)!;
  const w = Math.max(...rows.map((r) => r.name.length));
  console.log(`\n${title}`);
  for (const r of rows) {
    const ratio = base.nsPerOp / r.nsPerOp;
    console.log(`  ${r.name.padEnd(w)}  ${r.nsPerOp.toFixed(0).padStart(8)} ns/call   ${ratio.toFixed(2).padStart(6)}× ${r === base ? '(baseline)' : `${note} ${baseline}`}`);
  }
}
