/**
 * NAS algorithm benchmarks (issue 12: the fast build's NEA1/2/3 and NIA1/2/3 via the API ≥ 1× node:crypto
 * at 1,500 B and ≥ 3× at 64 B). Baselines: node:crypto AES-128-CTR (128-NEA2) and AES-CMAC on
 * node's AES-128-CBC (128-NIA2), host/reference/nas.ts; node's AES runs on AES-NI where the CPU has
 * it, the firmware on plain wasm MVP. The small build is shown for reference.
 */
import { instantiateSync } from '../../firmware/loader.js';
import { nasCipher, nasMac } from '../../firmware/nas-algorithms.js';
import { nea2Ref, nia2Ref } from '../../reference/nas.js';
import { measure, table } from './harness.js';

const NAMES = { 1: 'SNOW 3G', 2: 'AES', 3: 'ZUC' } as const;

export function benchNas(): void {
  const fast = instantiateSync('ue-fast'), small = instantiateSync('ue');
  const key = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
  for (const size of [64, 1500]) {
    const msg = Uint8Array.from({ length: size }, (_, i) => i & 0xff);
    const input = (alg: number, count: number) => ({ alg, key, count, bearer: 1, direction: 0, message: msg });
    // the firmware and node:crypto agree before anything is timed
    if (Buffer.compare(Buffer.from(nasMac(fast, input(2, 7))), Buffer.from(nia2Ref(key, 7, 1, 0, msg, size * 8))) !== 0) throw new Error('ue-fast NIA2 disagrees with node:crypto');
    if (Buffer.compare(Buffer.from(nasCipher(fast, input(2, 7))), Buffer.from(nea2Ref(key, 7, 1, 0, msg, size * 8))) !== 0) throw new Error('ue-fast NEA2 disagrees with node:crypto');
    const algs = [2, 1, 3] as const;
    table(`NAS integrity, ${size} B message, per call via the API (node:crypto uses AES-NI)`, [
      measure('node:crypto 128-NIA2 (AES-CMAC on AES-128-CBC)', (i) => nia2Ref(key, i, 1, 0, msg, size * 8), 100, 5),
      ...algs.map((a) => measure(`ue-fast.wasm 128-NIA${a} (${NAMES[a]})`, (i) => nasMac(fast, input(a, i)), 100, 5)),
      ...algs.map((a) => measure(`ue.wasm (small) 128-NIA${a} (${NAMES[a]})`, (i) => nasMac(small, input(a, i)), 100, 5)),
    ]);
    table(`NAS ciphering, ${size} B message, per call via the API (node:crypto uses AES-NI)`, [
      measure('node:crypto 128-NEA2 (AES-128-CTR)', (i) => nea2Ref(key, i, 1, 0, msg, size * 8), 100, 5),
      ...algs.map((a) => measure(`ue-fast.wasm 128-NEA${a} (${NAMES[a]})`, (i) => nasCipher(fast, input(a, i)), 100, 5)),
      ...algs.map((a) => measure(`ue.wasm (small) 128-NEA${a} (${NAMES[a]})`, (i) => nasCipher(small, input(a, i)), 100, 5)),
    ]);
  }
}
