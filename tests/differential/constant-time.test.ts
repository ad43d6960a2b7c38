// The NAS-MAC comparison takes the same path for every mismatch position (TS 33.501 6.4.3.2
// integrity check; a timing oracle must not tell an attacker how many MAC bytes were right).
// Checked with the instrumented build: the executed wasm instructions of a rejected downlink
// message are the same whichever MAC bit is wrong — and the same as for a correct MAC up to the
// point where the paths must differ (deciphering).
import { describe, expect, it } from 'vitest';
import { countOperation } from '../../host/inspect/profile.js';
import type { Firmware } from '../../host/firmware/loader.js';
// the build under test (tests/vitest.config.mjs: once per build); countOperation meters that file
import { VARIANT } from '../helpers.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';

const KAMF = Uint8Array.from({ length: 32 }, (_, i) => 0x40 + i);
const net = new NetworkNasContext(KAMF, 1, 2, 2);
const good = net.protectDownlink(1, Uint8Array.of(0x7e, 0x00, 0x54, 1, 2, 3, 4, 5, 6, 7)).message;

function setup(fw: Firmware): void {
  fw.begin();
  fw.call('ctx_install', 0, fw.put(KAMF), 1, 0x22, 2);
}
function unprotectCount(msg: Uint8Array): { instructions: number; status: number } {
  let status = -1;
  const c = countOperation({ id: 'x', module: 'ue', title: '', setup, run: (fw) => { fw.begin(); const m = fw.put(msg); status = fw.tryCall('nas_unprotect', 0, 1, m, msg.length); } }, VARIANT);
  return { instructions: c.instructions, status };
}

describe('constant-time MAC compare', () => {
  it('every single-bit MAC error costs exactly the same number of instructions', () => {
    const counts = new Set<number>();
    for (let bit = 0; bit < 32; bit++) {
      const m = good.slice(); m[2 + (bit >> 3)] ^= 0x80 >> (bit & 7);
      const r = unprotectCount(m);
      expect(r.status).toBe(5); // STATUS_ERR_MAC
      counts.add(r.instructions);
    }
    expect([...counts]).toHaveLength(1);
  });
  it('a MAC wrong in every byte costs the same as one wrong in one bit', () => {
    const one = good.slice(); one[5] ^= 1;
    const all = good.slice(); for (let i = 2; i < 6; i++) all[i] ^= 0xff;
    expect(unprotectCount(all).instructions).toBe(unprotectCount(one).instructions);
    expect(unprotectCount(good).status).toBe(0);
  });
});
