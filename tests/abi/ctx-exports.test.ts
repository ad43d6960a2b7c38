// The raw exports of the security-context layer (assembly/me/abi/context.ts) against their own
// documented contracts: each export's doc comment, README "ABI" ("every export validates input and
// returns a status", "a rejected call changes no state") and the static memory map. The host
// wrappers (host/firmware/ue-firmware.ts) never send the boundary values tested here, so the
// firmware mutation runner (issue 16) found these checks unread: `capsLen > CAPS_MAX` → `>=`,
// `ngKsi & 7` → `& 8`, `msgLen > 1024` → `>=`, a dropped IMEISV wipe, … survived the suite.
// Expected values come from the clauses quoted, node:crypto (host/reference) and the network
// model (host/network/nas-security.ts), never from the firmware.
import { beforeEach, describe, expect, it } from 'vitest';
import { instantiateSync } from '../../host/firmware/loader.js';
import { SLOT, SLOT_OFF, CTX_TYPE, UE_STATE_OFF, UE_FLAG, SMC_OUT } from '../../host/firmware/abi.generated.js';
import { ref } from '../../host/reference/kdf.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';

type Fw = ReturnType<typeof instantiateSync>;
let fw: Fw;
beforeEach(() => { fw = instantiateSync('ue'); });
const status = (name: string) => fw.constant(`STATUS_${name}`);
const KAMF = Uint8Array.from({ length: 32 }, (_, i) => 0x3c ^ (i * 5));
const u32 = (b: Uint8Array, off: number) => new DataView(b.buffer, b.byteOffset).getUint32(off, true);
const slot = (s: number) => { expect(fw.tryCall('ctx_read', s)).toBe(0); return fw.take(0, fw.constant('CTX_SLOT_SIZE')); };
const ueState = () => { expect(fw.tryCall('ue_state_read')).toBe(0); return fw.take(0, fw.constant('UE_STATE_LEN')); };
/** Install `KAMF` as context type `type` with algorithms `algs` (NEA << 4 | NIA) in `s`. */
function install(s: number, type: number, algs: number, ngKsi = 2): number {
  fw.putAt(0, KAMF);
  return fw.tryCall('ctx_install', s, 0, ngKsi, algs, type);
}
/** A refused call returns `want` and leaves all 65,536 octets of module memory as they were. */
function refused(want: string, name: string, ...args: number[]): void {
  const before = fw.snapshot();
  expect(fw.tryCall(name, ...args), `${name}(${args})`).toBe(status(want));
  expect(Buffer.compare(Buffer.from(fw.snapshot()), Buffer.from(before)), `${name}(${args}) changed memory`).toBe(0);
}
/** Octet addresses that differ between two memory images. */
const changed = (a: Uint8Array, b: Uint8Array) => { const d: number[] = []; for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) d.push(i); return d; };

describe('ctx_install: "a KAMF at IO_IN[kamfOff..+32)", "KSI 111 is not a key", algorithms 0–3, memory map', () => {
  it('a KAMF in the last 32 octets of IO_IN is installed; only the slot and those 32 octets change (the KAMF "is wiped from the mailbox")', () => {
    const last = fw.inLen - 32;
    const mem = new Uint8Array(fw.raw.memory.buffer);
    mem.fill(0xee, fw.constant('IO_OUT_PTR'), fw.constant('IO_OUT_PTR') + 64); // the octets right after IO_IN
    fw.putAt(last - 1, Uint8Array.of(0xdd)); fw.putAt(last, KAMF);
    const before = fw.snapshot();
    expect(fw.tryCall('ctx_install', SLOT.NEW, last, 3, 0, CTX_TYPE.PARTIAL_NATIVE)).toBe(0);
    const after = fw.snapshot();
    const slotPtr = fw.constant('CTX_SLOTS_PTR') + SLOT.NEW * fw.constant('CTX_SLOT_SIZE');
    const inside = (i: number) => (i >= slotPtr && i < slotPtr + fw.constant('CTX_SLOT_SIZE')) || (i >= fw.inPtr + last && i < fw.inPtr + fw.inLen);
    expect(changed(before, after).filter((i) => !inside(i)).map((i) => i.toString(16))).toEqual([]);
    expect(after.subarray(fw.inPtr + last, fw.inPtr + fw.inLen).every((b) => b === 0), 'the KAMF left in IO_IN').toBe(true);
    const s = slot(SLOT.NEW);
    expect(s[SLOT_OFF.TYPE]).toBe(CTX_TYPE.PARTIAL_NATIVE);
    expect(s[SLOT_OFF.NGKSI]).toBe(3);
    expect(Buffer.from(s.subarray(SLOT_OFF.KAMF, SLOT_OFF.KAMF + 32)).equals(Buffer.from(KAMF))).toBe(true);
  });
  it('a KAMF at offset 0: the octet after it (IO_IN[32]) is not wiped', () => {
    fw.putAt(32, Uint8Array.of(0x5a));
    expect(install(SLOT.NEW, CTX_TYPE.PARTIAL_NATIVE, 0)).toBe(0);
    expect(fw.snapshot().subarray(fw.inPtr, fw.inPtr + 33)).toEqual(Uint8Array.from([...new Uint8Array(32), 0x5a]));
  });
  it('ngKSI is 4 bits: 16 → STATUS_ERR_VALUE, nothing changed', () => {
    fw.putAt(0, KAMF);
    refused('ERR_VALUE', 'ctx_install', SLOT.NEW, 0, 16, 0, CTX_TYPE.PARTIAL_NATIVE);
    refused('ERR_VALUE', 'ctx_install', SLOT.NEW, 0, 0x10 | 8 | 1, 0x22, CTX_TYPE.MAPPED);
  });
  it('TS 24.501 9.11.3.32: KSI 111 = "no key is available": native 7 and mapped 15 → STATUS_ERR_VALUE; 6 and 14 accepted', () => {
    fw.putAt(0, KAMF);
    refused('ERR_VALUE', 'ctx_install', SLOT.NEW, 0, 7, 0, CTX_TYPE.PARTIAL_NATIVE);
    refused('ERR_VALUE', 'ctx_install', SLOT.MAPPED, 0, 15, 0x22, CTX_TYPE.MAPPED);
    expect(install(SLOT.NEW, CTX_TYPE.PARTIAL_NATIVE, 0, 6)).toBe(0);
    expect(install(SLOT.MAPPED, CTX_TYPE.MAPPED, 0x22, 14)).toBe(0);
  });
  it('full native: NEA/NIA above 3 (values 4–15 are reserved in TS 33.501 5.11.1; refusing them is the firmware\'s choice) → STATUS_ERR_ALGORITHM, nothing changed', () => {
    fw.putAt(0, KAMF);
    for (const algs of [0x40, 0x04, 0x42, 0x24, 0xf0]) refused('ERR_ALGORITHM', 'ctx_install', SLOT.CURRENT, 0, 2, algs, CTX_TYPE.FULL_NATIVE);
  });
  it('full native with NEA3/NIA3 (0x33, 0x03, 0x30) is installed with the A.8 NAS keys node:crypto derives', () => {
    for (const algs of [0x33, 0x03, 0x30]) {
      expect(install(SLOT.CURRENT, CTX_TYPE.FULL_NATIVE, algs), `algs 0x${algs.toString(16)}`).toBe(0);
      const s = slot(SLOT.CURRENT), k = ref.nasKeys(KAMF, algs >> 4, algs & 15);
      expect(s[SLOT_OFF.ALGS]).toBe(algs);
      expect(Buffer.from(s.subarray(SLOT_OFF.KNASENC, SLOT_OFF.KNASENC + 16)).equals(Buffer.from(k.knasenc))).toBe(true);
      expect(Buffer.from(s.subarray(SLOT_OFF.KNASINT, SLOT_OFF.KNASINT + 16)).equals(Buffer.from(k.knasint))).toBe(true);
    }
  });
  it('partial native: "`algs` ignored" — algs 0x44 or 0x1ff does not refuse the install', () => {
    expect(install(SLOT.NEW, CTX_TYPE.PARTIAL_NATIVE, 0x44)).toBe(0);
    expect(install(SLOT.NEW, CTX_TYPE.PARTIAL_NATIVE, 0x1ff)).toBe(0);
    expect(slot(SLOT.NEW)[SLOT_OFF.TYPE]).toBe(CTX_TYPE.PARTIAL_NATIVE);
  });
});

describe('ctx_set_counts: only a slot that holds a context (any type) takes COUNTs', () => {
  it('an empty slot → STATUS_ERR_VALUE, nothing changed', () => {
    refused('ERR_VALUE', 'ctx_set_counts', SLOT.NEW, 1, 5, 6, 1);
  });
  it('a partial native context (type 1) takes them: UL 5 / DL 6 of 3GPP access read back', () => {
    expect(install(SLOT.NEW, CTX_TYPE.PARTIAL_NATIVE, 0)).toBe(0);
    expect(fw.tryCall('ctx_set_counts', SLOT.NEW, 1, 5, 6, 1)).toBe(0);
    const s = slot(SLOT.NEW);
    expect([u32(s, SLOT_OFF.UL_COUNT), u32(s, SLOT_OFF.DL_COUNT)]).toEqual([5, 6]);
  });
});

describe('ue_configure: capabilities 2–8 octets (TS 24.501 9.11.3.54), IMEISV 0–15 octets, only bit 0 of the flags', () => {
  const CAPS_LEN = 0, CAPS = 1, IMEISV_LEN = 12, IMEISV = 13; // UE_STATE layout, assembly/me/context/ue-state.ts
  it('8 octets of capabilities accepted and stored; 9 → STATUS_ERR_LENGTH', () => {
    const caps = Uint8Array.from([0xf0, 0xf0, 0xc0, 0xc0, 0x11, 0x22, 0x33, 0x44]);
    fw.putAt(0, caps);
    expect(fw.tryCall('ue_configure', 0, 8, 0, 0, 0)).toBe(0);
    const st = ueState();
    expect(st[CAPS_LEN]).toBe(8);
    expect(st.subarray(CAPS, CAPS + 8)).toEqual(caps);
    refused('ERR_LENGTH', 'ue_configure', 0, 9, 0, 0, 0);
  });
  it('a shorter IMEISV replaces a longer one completely: its length, its octets, zeros after it; nothing outside UE_STATE changes', () => {
    const caps = Uint8Array.of(0x80, 0x80), long = Uint8Array.from({ length: 15 }, (_, i) => 0x90 + i), short = Uint8Array.from({ length: 9 }, (_, i) => 0x13 + i);
    fw.putAt(0, caps); fw.putAt(16, long);
    expect(fw.tryCall('ue_configure', 0, 2, 16, 15, 0)).toBe(0);
    expect(ueState().subarray(IMEISV, IMEISV + 15)).toEqual(long);
    fw.putAt(16, short);
    const before = fw.snapshot();
    expect(fw.tryCall('ue_configure', 0, 2, 16, 9, 0)).toBe(0);
    const after = fw.snapshot();
    const ue = fw.constant('UE_STATE_PTR');
    expect(changed(before, after).filter((i) => i < ue || i >= ue + fw.constant('UE_STATE_LEN')).map((i) => i.toString(16))).toEqual([]);
    const st = ueState();
    expect(st[IMEISV_LEN]).toBe(9);
    expect(st.subarray(IMEISV, IMEISV + 15)).toEqual(Uint8Array.from([...short, 0, 0, 0, 0, 0, 0]));
  });
  it('the emergency bit is set without touching the other flags (REGISTERING from a running registration stays)', () => {
    fw.putAt(0, Uint8Array.of(0x80, 0x80)); fw.putAt(2, Uint8Array.of(0x7e, 0x00, 0x41));
    expect(fw.tryCall('registration_request', 2, 3, 1)).toBe(0);
    expect(ueState()[UE_STATE_OFF.FLAGS_OFF] & UE_FLAG.REGISTERING).toBe(UE_FLAG.REGISTERING);
    fw.putAt(0, Uint8Array.of(0x80, 0x80));
    expect(fw.tryCall('ue_configure', 0, 2, 0, 0, 1)).toBe(0);
    expect(ueState()[UE_STATE_OFF.FLAGS_OFF]).toBe(UE_FLAG.REGISTERING | UE_FLAG.EMERGENCY);
    expect(fw.tryCall('ue_configure', 0, 2, 0, 0, 0)).toBe(0);
    expect(ueState()[UE_STATE_OFF.FLAGS_OFF]).toBe(UE_FLAG.REGISTERING);
  });
});

describe('nas_protect / nas_unprotect: a message may fill IO_OUT (result at +16) to its last octet, not one octet more', () => {
  const OUT = 4096, MSG = 16, HDR = 7; // IO_OUT_LEN; NAS_OUT_MSG_OFF; TS 24.501 9.1.1 security header
  const plain = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i === 0 ? 0x7e : i === 2 ? 0x54 : (i * 13) & 0xff));
  it(`nas_protect: ${OUT - MSG - HDR} octets accepted (the network model verifies it), ${OUT - MSG - HDR + 1} → STATUS_ERR_LENGTH`, () => {
    expect(install(SLOT.CURRENT, CTX_TYPE.FULL_NATIVE, 0x02)).toBe(0);
    const net = new NetworkNasContext(KAMF, 2, 0, 2);
    const n = OUT - MSG - HDR, p = plain(n);
    fw.putAt(0, p);
    refused('ERR_LENGTH', 'nas_protect', SLOT.CURRENT, 1, 1, 0, n + 1);
    expect(fw.tryCall('nas_protect', SLOT.CURRENT, 1, 1, 0, n)).toBe(0);
    expect(u32(fw.take(0, 8), 0)).toBe(n + HDR);
    const v = net.verifyUplink(fw.take(MSG, n + HDR));
    expect(v?.count).toBe(0);
    expect(Buffer.from(v!.plain).equals(Buffer.from(p))).toBe(true);
  });
  it('nas_protect: the smallest message (3 octets, a 5GMM header) is protected, 2 → STATUS_ERR_LENGTH', () => {
    expect(install(SLOT.CURRENT, CTX_TYPE.FULL_NATIVE, 0x02)).toBe(0);
    fw.putAt(0, plain(3));
    refused('ERR_LENGTH', 'nas_protect', SLOT.CURRENT, 1, 1, 0, 2);
    expect(fw.tryCall('nas_protect', SLOT.CURRENT, 1, 1, 0, 3)).toBe(0);
    expect(new NetworkNasContext(KAMF, 2, 0, 2).verifyUplink(fw.take(MSG, 10))?.plain).toEqual(plain(3));
  });
  it(`nas_unprotect: ${OUT - MSG} octets from the network model accepted, ${OUT - MSG + 1} → STATUS_ERR_LENGTH`, () => {
    expect(install(SLOT.CURRENT, CTX_TYPE.FULL_NATIVE, 0x02)).toBe(0);
    const net = new NetworkNasContext(KAMF, 2, 0, 2);
    const p = plain(OUT - MSG - HDR), m = net.protectDownlink(1, p).message;
    expect(m.length).toBe(OUT - MSG);
    fw.putAt(0, m);
    refused('ERR_LENGTH', 'nas_unprotect', SLOT.CURRENT, 1, 0, m.length + 1);
    expect(fw.tryCall('nas_unprotect', SLOT.CURRENT, 1, 0, m.length)).toBe(0);
    expect(u32(fw.take(0, 8), 0)).toBe(p.length);
    expect(Buffer.from(fw.take(MSG, p.length)).equals(Buffer.from(p))).toBe(true);
  });
  it('nas_unprotect: 9 octets (a security header and less than a 5GMM header) → STATUS_ERR_LENGTH, nothing changed', () => {
    expect(install(SLOT.CURRENT, CTX_TYPE.FULL_NATIVE, 0x02)).toBe(0);
    fw.putAt(0, Uint8Array.from([0x7e, 0x01, 0, 0, 0, 0, 0, 0x7e, 0x00]));
    for (const n of [4, 9]) refused('ERR_LENGTH', 'nas_unprotect', SLOT.CURRENT, 1, 0, n);
  });
});

describe('message length limits of smc_process and registration_request (1,024 octets, INITIAL_MSG)', () => {
  it('smc_process: 1,025 octets → STATUS_ERR_LENGTH; 1,024 octets of no SMC get past the length check (STATUS_ERR_FORMAT)', () => {
    fw.putAt(0, new Uint8Array(1025));
    refused('ERR_LENGTH', 'smc_process', 0, 1025, 1);
    refused('ERR_FORMAT', 'smc_process', 0, 1024, 1);
  });
  it('registration_request: 3 and 1,024 octets go out plain without a context; 2 and 1,025 → STATUS_ERR_LENGTH', () => {
    const msg = Uint8Array.from({ length: 1025 }, (_, i) => (i === 0 ? 0x7e : i === 2 ? 0x41 : i & 0xff));
    fw.putAt(0, msg);
    refused('ERR_LENGTH', 'registration_request', 0, 2, 1);
    refused('ERR_LENGTH', 'registration_request', 0, 1025, 1);
    refused('ERR_LENGTH', 'registration_request', 0, 1025, 3); // the length is checked before the access
    for (const n of [3, 1024]) {
      expect(fw.tryCall('registration_request', 0, n, 1), `${n} octets`).toBe(0);
      const out = fw.take(0, 16 + n);
      expect(u32(out, 0), 'length').toBe(n);
      expect(Buffer.from(out.subarray(16)).equals(Buffer.from(msg.subarray(0, n)))).toBe(true);
    }
  });
});

describe('smc_reject: cause 23 or 24 (TS 24.501 5.4.2.5), nothing else', () => {
  it('causes 22, 25, 0 → STATUS_ERR_VALUE, nothing changed', () => {
    for (const c of [22, 25, 0]) refused('ERR_VALUE', 'smc_reject', c, 1);
  });
  it('causes 23 and 24: a plain SECURITY MODE REJECT (no previous context) carrying that cause (TS 24.501 8.2.27)', () => {
    for (const c of [23, 24]) {
      expect(fw.tryCall('smc_reject', c, 1), `cause ${c}`).toBe(0);
      const out = fw.take(0, SMC_OUT.RESP + 4);
      expect(out[SMC_OUT.CAUSE]).toBe(c);
      expect([...out.subarray(SMC_OUT.RESP, SMC_OUT.RESP + 4)]).toEqual([0x7e, 0x00, 0x5f, c]);
    }
  });
});
