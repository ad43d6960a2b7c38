/** USIM module per-call times: MILENAGE and TUAK through the module, vs the node:crypto MILENAGE. */
import { UsimModule } from '../../firmware/usim-module.js';
import { instantiateSync } from '../../firmware/loader.js';
import { milenageRef, generateAuthVector } from '../../reference/milenage.js';
import { fromHex } from '../../hex.js';
import { measure, table } from './harness.js';

export function benchUsim(): void {
  const k = fromHex('465b5ce8b199b49faa5f0a2ee238a6bc'), opc = fromHex('cd63cb71954a9f4e48a5994e37a02baf');
  const rand = fromHex('23553cbe9637a89d218ae64dae47bf35'), sqn = fromHex('ff9bb4d0b607'), amf = fromHex('b9b9');
  const m = new UsimModule(), f = new UsimModule(instantiateSync('usim-fast'));
  const topc = new Uint8Array(32).fill(0x55);
  table('MILENAGE f1–f5* (TS 35.206), one call', [
    measure('node:crypto MILENAGE (reference)', () => milenageRef(k, opc, rand, sqn, amf), 100, 5),
    measure('usim-fast.wasm milenage()', () => f.milenage({ k, opc, rand, sqn, amf }), 100, 5),
    measure('usim.wasm (small) milenage()', () => m.milenage({ k, opc, rand, sqn, amf }), 100, 5),
  ]);
  table('TUAK f1–f5* (TS 35.231, 1 Keccak iteration), one call', [
    measure('usim.wasm (small) tuak()', () => m.tuak({ k, topc, rand, sqn, amf }), 100, 5),
    measure('usim-fast.wasm tuak()', () => f.tuak({ k, topc, rand, sqn, amf }), 100, 5),
  ]);
  // AUTHENTICATE on a personalised card: a fresh AUTN each call (SQN array scheme, TS 33.102 C.2)
  const card = new UsimModule();
  card.personalise({ algorithm: 'milenage', k, opc });
  let seq = 1n;
  const autns = Array.from({ length: 4096 }, () => { const s = (seq++ << 5n); const b = new Uint8Array(6); for (let i = 0; i < 6; i++) b[5 - i] = Number((s >> BigInt(8 * i)) & 0xffn); return generateAuthVector(k, opc, rand, b, Uint8Array.of(0x80, 0)).autn; });
  // Each AUTN is fresh exactly once, so this is one timed pass over all of them.
  const t0 = process.hrtime.bigint();
  for (const autn of autns) if (card.authenticate(rand, autn).kind !== 'ok') throw new Error('bench: AUTN not accepted');
  const ns = Number(process.hrtime.bigint() - t0) / autns.length;
  console.log(`\nUSIM AUTHENTICATE (MAC-A check, SQN freshness, RES/CK/IK), ${autns.length} fresh AUTNs, one pass`);
  console.log(`  usim.wasm authenticate()  ${ns.toFixed(0).padStart(8)} ns/call`);
}
