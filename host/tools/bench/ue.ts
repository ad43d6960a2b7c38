/**
 * UE-side procedure throughput and instantiation cost:
 *  - mobility registrations per second, end to end (UE firmware + USIM + network models) and the
 *    UE firmware's share alone (Registration Request, SMC with HDP = 1, Accept, commit), replayed
 *    on a memory snapshot so each round starts from the same state;
 *  - loadSync() per instance vs a bare WebAssembly.Instance; 10,000 independent UEs: time and
 *    memory per instance.
 */
import { runMobility } from '../../scenarios/mobility.js';
import { World, guti } from '../../scenarios/setup.js';
import { Amf } from '../../network/amf.js';
import { NetworkNasContext } from '../../network/nas-security.js';
import * as M from '../../nas/messages.js';
import { compiledModule, instantiateSync } from '../../firmware/loader.js';
import { KeyDerivation } from '../../firmware/keys.js';
import { measure, table, Progress } from './harness.js';

export function benchUe(): void {
  const rows = [measure('end to end: runMobility() (both sides, 5G AKA set-up included)', () => runMobility({}), 300, 3), ueSideOnly()];
  table('Mobility registration update with horizontal KAMF derivation', rows, undefined, 'speed vs');
  for (const r of rows) console.log(`  ≈ ${Math.round(1e9 / r.nsPerOp).toLocaleString('en')} registrations/s — ${r.name}`);
  instances(10_000);
}

/** The UE's work for one mobility registration, on a fixed network script. */
function ueSideOnly() {
  const w = new World();
  const sourceAmf = new Amf('source AMF', w.trace);
  w.initialRegistration(sourceAmf, guti(1, 0x101));
  const mem = new Uint8Array((w.ue.fw.module.raw.memory as WebAssembly.Memory).buffer);
  const snapshot = mem.slice();
  // the network's messages for one run (they depend only on the state the snapshot fixes)
  const rr = w.ue.fw.registrationRequest(M.registrationRequest({ type: 2, ngKsi: 1, identity: guti(1, 0x101), ueSecurityCapabilities: w.ue.caps }));
  const t = sourceAmf.contextTransfer(guti(1, 0x101), rr.message);
  if (!t.ok) throw new Error(t.reason);
  const net = new NetworkNasContext(t.kamf, t.ngKsi, 2, 2);
  const smc = net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: t.ngKsi, replayedCaps: w.ue.caps, hdp: true })).message;
  const accept = net.protectDownlink(2, M.registrationAccept({ guti: guti(2, 0x202) })).message;
  const plainRr = M.registrationRequest({ type: 2, ngKsi: 1, identity: guti(1, 0x101), ueSecurityCapabilities: w.ue.caps });
  const fw = w.ue.fw;
  return measure('UE firmware only: RR + SMC (KAMF′) + Accept + commit', () => {
    mem.set(snapshot);
    fw.registrationRequest(plainRr);
    fw.securityModeCommand(smc);
    fw.unprotect('current', '3gpp', accept);
    fw.registrationComplete(true);
  }, 300, 5);
}

/**
 * `loadSync()` per instance (the public API over a fresh instance: new KeyDerivation(instantiateSync(…)))
 * against a bare `new WebAssembly.Instance` of the same compiled module (issue 12: ≤ 1.5×). The two
 * alternate in batches of 40 so that a change of machine load (and the GC of earlier batches' pages)
 * hits both alike; the ratio is the median of the per-batch ratios. Instances are dropped as they are made (the GC's share is in both).
 */
function loadCost(file: 'ue-fast' | 'ue', total: number): Array<{ name: string; us: number; ratio: number }> {
  const module = compiledModule(file);
  const batch = 40, rounds = Math.ceil(total / batch);
  const time = (f: () => unknown) => { const t0 = process.hrtime.bigint(); for (let i = 0; i < batch; i++) f(); return Number(process.hrtime.bigint() - t0) / batch; };
  // where the time goes: the bare instance, + the Firmware wrapper (mailbox views), + the public API object
  const steps: Array<[string, () => unknown]> = [
    ['bare new WebAssembly.Instance', () => new WebAssembly.Instance(module, {})],
    ['instantiateSync() (+ Firmware wrapper)', () => instantiateSync(file)],
    ['loadSync() equivalent (+ KeyDerivation)', () => new KeyDerivation(instantiateSync(file))],
  ];
  for (const [, f] of steps) time(f); // warm-up
  const per = steps.map(() => [] as number[]), ratio = steps.map(() => [] as number[]);
  const bar = new Progress(`instantiating ${file} (${total} each)`, rounds);
  for (let r = 0; r < rounds; r++) {
    const t = steps.map(([, f]) => time(f));
    t.forEach((x, i) => { per[i].push(x); ratio[i].push(x / t[0]); });
    bar.tick(r + 1);
  }
  bar.done();
  const med = (x: number[]) => x.sort((p, q) => p - q)[Math.floor(x.length / 2)];
  return steps.map(([name], i) => ({ name, us: med(per[i]) / 1000, ratio: med(ratio[i]) }));
}

function instances(n: number): void {
  for (const file of ['ue-fast', 'ue'] as const) {
    console.log(`\nInstantiation of build/${file}.wasm (compiled once), 5,000 of each, alternating in batches of 40; × = median of per-batch time ÷ bare (goal for loadSync ≤ 1.5×)`);
    for (const r of loadCost(file, 5_000)) console.log(`  ${r.name.padEnd(42)} ${r.us.toFixed(1).padStart(8)} µs/instance  ${r.ratio.toFixed(2).padStart(5)}×`);
  }
  // n independent UEs (the public API over the fast build), all alive at once, each with its own memory
  (globalThis as any).gc?.();
  const before = process.memoryUsage();
  const keep: KeyDerivation[] = [];
  const bar = new Progress(`instantiating ${n} UEs`, n);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) { keep.push(new KeyDerivation(instantiateSync('ue-fast'))); if (i % 500 === 0) bar.tick(i); }
  const ns = Number(process.hrtime.bigint() - t0);
  bar.done();
  const after = process.memoryUsage();
  // each has its own page: a KDF on the last one leaves the first one's memory as it was
  const first = keep[0].memoryImage();
  keep[n - 1].kdf(new Uint8Array(32).fill(1), 0x72, [Uint8Array.of(0)]);
  if (Buffer.compare(Buffer.from(first), Buffer.from(keep[0].memoryImage())) !== 0) throw new Error('instances share memory');
  const perRss = (after.rss - before.rss) / n, perAb = (after.arrayBuffers - before.arrayBuffers) / n;
  console.log(`\n${n.toLocaleString('en')} independent UE instances (public API over build/ue-fast.wasm, all alive in one process)`);
  console.log(`  ${(ns / n / 1000).toFixed(1)} µs per instance (${(ns / 1e9).toFixed(2)} s in all); ${(perRss / 1024).toFixed(1)} KiB RSS and ${(perAb / 1024).toFixed(1)} KiB ArrayBuffer per instance (one 64 KiB page each)`);
  keep.length = 0;
}
