/** NAS algorithm benchmarks (issue goal: NIA2 on 64 B ≥ 2× node:crypto per call). */
import { instantiateSync } from '../../firmware/loader.js';
import { nasCipher, nasMac } from '../../firmware/nas-algorithms.js';
import { nea2Ref, nia2Ref } from '../../reference/nas.js';
import { measure, table } from './harness.js';

export function benchNas(): void {
  const fw = instantiateSync('ue');
  const key = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
  for (const size of [32, 64, 128, 1500]) {
    const msg = Uint8Array.from({ length: size }, (_, i) => i & 0xff);
    const input = (alg: number) => ({ alg, key, count: 0x1234, bearer: 1, direction: 0, message: msg });
    table(`NAS integrity, ${size} B message (host API call, COUNT/BEARER/DIRECTION as for 3GPP access)`, [
      measure('node:crypto 128-NIA2 (AES-CMAC)', (i) => nia2Ref(key, i, 1, 0, msg, size * 8), 100, 5),
      measure('ue.wasm 128-NIA2', (i) => nasMac(fw, { ...input(2), count: i }), 100, 5),
      measure('ue.wasm 128-NIA1 (SNOW 3G)', (i) => nasMac(fw, { ...input(1), count: i }), 100, 5),
      measure('ue.wasm 128-NIA3 (ZUC)', (i) => nasMac(fw, { ...input(3), count: i }), 100, 5),
    ]);
    table(`NAS ciphering, ${size} B message`, [
      measure('node:crypto 128-NEA2 (AES-CTR)', (i) => nea2Ref(key, i, 1, 0, msg, size * 8), 100, 5),
      measure('ue.wasm 128-NEA2', (i) => nasCipher(fw, { ...input(2), count: i }), 100, 5),
      measure('ue.wasm 128-NEA1 (SNOW 3G)', (i) => nasCipher(fw, { ...input(1), count: i }), 100, 5),
      measure('ue.wasm 128-NEA3 (ZUC)', (i) => nasCipher(fw, { ...input(3), count: i }), 100, 5),
    ]);
  }
}
