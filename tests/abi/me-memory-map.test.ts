// The ME module's static memory map (assembly/me/memory.ts): "every byte the firmware touches is
// declared here, once", in one table whose regions follow each other in the order listed, each
// reserved by `memory.data(LEN, 16)` with its exported *_LEN. Every LEN is a multiple of the
// 16-octet alignment, so the regions lie back to back: a region that reserves more than its
// exported LEN leaves octets that no region owns and moves every region after it away from the
// address the host's generated contract (host/firmware/abi.generated.ts, "what build/ue.wasm
// really is") holds. Found by the firmware mutation runner (issue 16): `memory.data(256, 16)` →
// `memory.data(257, 16)` for TMP survived every behavioural suite (the runner skips the README
// table test, the only one that saw the addresses move).
import { describe, expect, it } from 'vitest';
import { instantiateSync } from '../../host/firmware/loader.js';
import { UE } from '../../host/firmware/abi.generated.js';

/** The regions in the order assembly/me/memory.ts declares them (its table, top to bottom). */
const REGIONS = ['IO_IN', 'IO_OUT', 'SHA_CTX', 'HMAC_WORK', 'HMAC_KEY', 'KDF_S', 'CIPHER_CTX', 'TMP',
  'CTX_SLOTS', 'SRVCC_CTX', 'UE_STATE', 'INITIAL_MSG', 'NAS_MSG'] as const;
/** Sizes as the memory.ts table documents them (the HMAC key context: crypto/hmac.ts layout). */
const DOCUMENTED_LEN: Record<(typeof REGIONS)[number], number> = {
  IO_IN: 4096, IO_OUT: 4096, SHA_CTX: 368, HMAC_WORK: 368, HMAC_KEY: 144, KDF_S: 4608, CIPHER_CTX: 512,
  TMP: 256, CTX_SLOTS: 1280, SRVCC_CTX: 64, UE_STATE: 128, INITIAL_MSG: 1024, NAS_MSG: 2048,
};

describe('static memory map of ue.wasm (assembly/me/memory.ts): the documented regions, back to back', () => {
  const fw = instantiateSync('ue');
  it('each region has the documented size, a multiple of 16 octets', () => {
    for (const r of REGIONS) {
      expect(fw.constant(`${r}_LEN`), `${r}_LEN`).toBe(DOCUMENTED_LEN[r]);
      expect(fw.constant(`${r}_LEN`) % 16, `${r}_LEN`).toBe(0);
    }
  });

  it('each _PTR + _LEN is the next region\'s _PTR, IO_IN to NAS_MSG: no octet between two regions that no region owns', () => {
    for (let i = 0; i + 1 < REGIONS.length; i++) {
      const a = REGIONS[i], b = REGIONS[i + 1];
      expect(fw.constant(`${a}_PTR`) + fw.constant(`${a}_LEN`), `${a} ends where ${b} begins`).toBe(fw.constant(`${b}_PTR`));
    }
  });

  it('every region is at the address of the host\'s generated contract (abi.generated.ts UE)', () => {
    for (const r of REGIONS) {
      expect(fw.constant(`${r}_PTR`), `${r}_PTR`).toBe(UE[`${r}_PTR`]);
      expect(fw.constant(`${r}_LEN`), `${r}_LEN`).toBe(UE[`${r}_LEN`]);
    }
  });
});
