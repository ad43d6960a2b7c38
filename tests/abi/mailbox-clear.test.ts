// The wrappers zero both mailboxes host-side after a call that carried a key (Firmware.clearMailboxes);
// the io_clear / usim_clear exports do the same for an embedder without host access to memory
// (README "Secrets in module memory", issue 17). Both must leave every octet of IO_IN and IO_OUT 0.
import { describe, expect, it } from 'vitest';
import { instantiateSync } from '../../host/firmware/loader.js';
import { UE, USIM } from '../../host/firmware/abi.generated.js';

describe('mailbox clearing: every octet of IO_IN and IO_OUT is zero afterwards, nothing else changes', () => {
  for (const [name, clear] of [['ue', 'io_clear'], ['usim', 'usim_clear']] as const) {
    for (const how of ['export', 'host'] as const) {
      it(`${name}: ${how === 'export' ? `the ${clear} export` : 'Firmware.clearMailboxes'}`, () => {
        const fw = instantiateSync(name);
        const L = name === 'ue' ? UE : USIM;
        const mem = new Uint8Array(fw.raw.memory.buffer);
        mem.fill(0xa5, L.IO_IN_PTR, L.IO_IN_PTR + L.IO_IN_LEN);
        mem.fill(0x5a, L.IO_OUT_PTR, L.IO_OUT_PTR + L.IO_OUT_LEN);
        const before = mem.slice();
        if (how === 'export') expect((fw.exports as Record<string, () => number>)[clear]()).toBe(0); else fw.clearMailboxes();
        const after = mem.slice();
        expect(after.subarray(L.IO_IN_PTR, L.IO_IN_PTR + L.IO_IN_LEN).every((b) => b === 0), 'IO_IN').toBe(true);
        expect(after.subarray(L.IO_OUT_PTR, L.IO_OUT_PTR + L.IO_OUT_LEN).every((b) => b === 0), 'IO_OUT').toBe(true);
        // outside the two mailboxes not one octet changed
        before.fill(0, L.IO_IN_PTR, L.IO_IN_PTR + L.IO_IN_LEN); before.fill(0, L.IO_OUT_PTR, L.IO_OUT_PTR + L.IO_OUT_LEN);
        expect(Buffer.compare(Buffer.from(after), Buffer.from(before))).toBe(0);
      });
    }
  }
});
