/**
 * UE-side procedure throughput and instantiation cost:
 *  - mobility registrations per second, end to end (UE firmware + USIM + network models) and the
 *    UE firmware's share alone (Registration Request, SMC with HDP = 1, Accept, commit), replayed
 *    on a memory snapshot so each round starts from the same state;
 *  - 10,000 ME module instances: time and memory per instance.
 */
import { runMobility } from '../../scenarios/mobility.js';
import { World, guti } from '../../scenarios/setup.js';
import { Amf } from '../../network/amf.js';
import { NetworkNasContext } from '../../network/nas-security.js';
import * as M from '../../nas/messages.js';
import { wasmBytes } from '../../firmware/loader.js';
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

function instances(n: number): void {
  const module = new WebAssembly.Module(wasmBytes('ue'));
  (globalThis as any).gc?.();
  const before = process.memoryUsage();
  const keep: WebAssembly.Instance[] = [];
  const bar = new Progress(`instantiating ${n} ME modules`, n);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) { keep.push(new WebAssembly.Instance(module, {})); if (i % 500 === 0) bar.tick(i); }
  const ns = Number(process.hrtime.bigint() - t0);
  bar.done();
  const after = process.memoryUsage();
  const perRss = (after.rss - before.rss) / n, perAb = (after.arrayBuffers - before.arrayBuffers) / n;
  console.log(`\n${n.toLocaleString('en')} instances of build/ue.wasm (compiled once)`);
  console.log(`  ${(ns / n / 1000).toFixed(1)} µs per instance; ${(perRss / 1024).toFixed(1)} KiB RSS and ${(perAb / 1024).toFixed(1)} KiB ArrayBuffer per instance (one 64 KiB page each)`);
  keep.length = 0;
}
