// The lifecycle rules of the 5G NAS security contexts when one is taken into use (TS 33.501 6.2.3.2,
// TS 24.501 5.4.2.3; firmware: context/slots.ts ctxActivate and ctxKeptOutcome). Each case drives
// the firmware through the procedure that applies the rule (an SMC protected by the independent
// network model host/network/nas-security.ts, keys from host/reference/kdf.ts) and reads the slots.
// The second half checks the context modules' own ABI contracts at the raw exports (the ones a C
// or emulator host sees): a rejected call changes no state, a retired or replaced context leaves
// nothing behind, an export writes only the regions its result and state live in. (This file is
// the firmware mutation runner's first stage for assembly/me/context/, so those rules are here.)
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UeFirmware } from '../../host/firmware/ue-firmware.js';
import { SLOT, SLOT_OFF, SRVCC_OFF, STATUS, UE } from '../../host/firmware/abi.generated.js';
import { abiTsText } from '../../host/tools/abi-ts.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import { buildNasc } from '../../host/network/mme.js';
import { ref } from '../../host/reference/kdf.js';
import * as M from '../../host/nas/messages.js';
import { toHex } from '../helpers.js';

const CAPS = Uint8Array.of(0xe0, 0xe0);
const RR = Uint8Array.of(0x7e, 0x00, 0x41, 0x79, 0x00, 0x0d, 0x01, 0x00, 0xf1, 0x10, 0x00, 0x00, 0x00, 0x00, 0x21, 0x43, 0x65);
const key = (b: number) => Uint8Array.from({ length: 32 }, (_, i) => (b + i * 11) & 0xff);
const inMemory = (ue: UeFirmware, k: Uint8Array) => Buffer.from(ue.memory()).indexOf(Buffer.from(k.subarray(0, 8))) >= 0;

function ue0(): UeFirmware {
  const ue = new UeFirmware();
  ue.configure({ ueSecurityCapabilities: CAPS });
  return ue;
}
/** The SMC for `kamf`/`ngKsi` as the AMF sends it (DL COUNT `dl`). */
function smc(kamf: Uint8Array, ngKsi: number, o: { hdp?: boolean; dl?: number } = {}): Uint8Array {
  const net = new NetworkNasContext(kamf, ngKsi, 2, 2);
  net.dlNext['3gpp'] = o.dl ?? 0;
  return net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi, replayedCaps: CAPS, hdp: o.hdp })).message;
}

describe('TS 33.501 6.2.3.2: a partial native context "is always non-current" until its SMC takes it into use', () => {
  it('the SMC naming the partial context: it becomes the current full native context and slot NEW is emptied', () => {
    const ue = ue0();
    const old = key(1), fresh = key(2);
    ue.install('current', { kamf: old, ngKsi: 1, type: 'full-native', nea: 2, nia: 2 });
    ue.install('new', { kamf: fresh, ngKsi: 4, type: 'partial-native' });
    expect(ue.securityModeCommand(smc(fresh, 4)).result).toBe('complete');
    const cur = ue.read('current');
    expect([cur.type, cur.ngKsi, toHex(cur.kamf)]).toEqual(['full-native', 4, toHex(fresh)]);
    expect(ue.read('new').type).toBe('none');
    // outside a registration the previous context is not kept (no non-current context is made)
    expect(ue.read('non-current').type).toBe('none');
    expect(inMemory(ue, old)).toBe(false);
  });
});

describe('TS 33.501 6.9.3 (with seed 000\'s change): a new KAMF during a registration keeps the old context until the outcome', () => {
  function hdpRun() {
    const ue = ue0();
    const old = key(3);
    ue.install('current', { kamf: old, ngKsi: 2, type: 'full-native', nea: 2, nia: 2 });
    expect(ue.registrationRequest(RR).count).toBe(0);
    const kamfPrime = ref.kamfPrime(old, 0, 0); // A.13 with the Registration Request's UL COUNT 0
    const r = ue.securityModeCommand(smc(kamfPrime, 2, { hdp: true }));
    expect([r.result, r.oldKept]).toEqual(['complete', true]);
    expect(toHex(ue.read('non-current').kamf)).toBe(toHex(old));
    return { ue, old, kamfPrime };
  }
  it('REGISTRATION ACCEPT: the kept old context is deleted, KAMF′ stays current', () => {
    const { ue, old, kamfPrime } = hdpRun();
    ue.registrationComplete(true);
    expect(toHex(ue.read('current').kamf)).toBe(toHex(kamfPrime));
    expect(ue.read('non-current').type).toBe('none');
    expect(inMemory(ue, old)).toBe(false);
  });
  it('no accept (reject, timeout): rolled back — the old context is current again and KAMF′ is gone', () => {
    const { ue, old, kamfPrime } = hdpRun();
    ue.registrationComplete(false);
    const cur = ue.read('current');
    expect([cur.type, cur.ngKsi, toHex(cur.kamf)]).toEqual(['full-native', 2, toHex(old)]);
    expect(ue.read('non-current').type).toBe('none');
    expect(inMemory(ue, kamfPrime)).toBe(false);
  });
});

describe('TS 24.501 5.4.2.3: an SMC naming the non-current native context while a mapped one is current activates the native one and deletes the mapped one', () => {
  it('native becomes current; the mapped context is nowhere (not current, not non-current, not in memory)', () => {
    const ue = ue0();
    const mapped = key(4), native = key(5);
    ue.install('current', { kamf: mapped, ngKsi: 0x08 | 3, type: 'mapped', nea: 2, nia: 2 });
    ue.install('non-current', { kamf: native, ngKsi: 2, type: 'full-native', nea: 2, nia: 2 });
    expect(ue.securityModeCommand(smc(native, 2)).result).toBe('complete');
    const cur = ue.read('current');
    expect([cur.type, cur.ngKsi, toHex(cur.kamf)]).toEqual(['full-native', 2, toHex(native)]);
    expect(ue.read('non-current').type).toBe('none');
    expect(inMemory(ue, mapped)).toBe(false);
  });
});

describe('TS 33.501 6.2.3.2: "a current context may coexist with one non-current native context" — a mapped context taken into use keeps the native one', () => {
  it('SMC naming the mapped context: mapped current, the native one non-current, slot MAPPED emptied, an older non-current context gone', () => {
    const ue = ue0();
    const older = key(6), native = key(7), mapped = key(8);
    ue.install('non-current', { kamf: older, ngKsi: 5, type: 'full-native', nea: 2, nia: 2 });
    ue.install('current', { kamf: native, ngKsi: 1, type: 'full-native', nea: 2, nia: 2 });
    ue.install('mapped', { kamf: mapped, ngKsi: 0x08 | 4, type: 'mapped', nea: 2, nia: 2 });
    expect(ue.securityModeCommand(smc(mapped, 0x08 | 4)).result).toBe('complete');
    const cur = ue.read('current'), nc = ue.read('non-current');
    expect([cur.type, toHex(cur.kamf)]).toEqual(['mapped', toHex(mapped)]);
    expect([nc.type, nc.ngKsi, toHex(nc.kamf)]).toEqual(['full-native', 1, toHex(native)]);
    expect(ue.read('mapped').type).toBe('none');
    expect(inMemory(ue, older)).toBe(false);
  });
});

// ---- Raw-export contracts of assembly/me/context/ (slots.ts, ue-state.ts, srvcc.ts, interworking.ts)

/** Addresses whose byte differs between two page images, outside the `allowed` [start, end) ranges. */
function changed(before: Uint8Array, after: Uint8Array, allowed: Array<[number, number]> = []): string[] {
  const r: string[] = [];
  for (let a = 0; a < after.length && r.length < 4; a++) {
    if (after[a] !== before[a] && !allowed.some(([s, e]) => a >= s && a < e)) r.push('0x' + a.toString(16));
  }
  return r;
}
const slotRange = (slot: number): [number, number] => [UE.CTX_SLOTS_PTR + slot * UE.CTX_SLOT_SIZE, UE.CTX_SLOTS_PTR + (slot + 1) * UE.CTX_SLOT_SIZE];
const IO_OUT: [number, number] = [UE.IO_OUT_PTR, UE.IO_OUT_PTR + UE.IO_OUT_LEN];

describe('ABI contract (assembly/me/abi/context.ts): "any other status: the call was rejected and changed no state"', () => {
  it('ctx_read: slots 0–3 and 5 (SRVCC) only — slot 4 (the internal candidate) is ERR_VALUE and nothing is copied out', () => {
    const ue = ue0();
    ue.install('current', { kamf: key(20), ngKsi: 1, type: 'full-native', nea: 2, nia: 2 });
    const fw = ue.module, before = fw.snapshot();
    expect(fw.tryCall('ctx_read', 4)).toBe(STATUS.ERR_VALUE);
    expect(changed(before, fw.snapshot())).toEqual([]);
    expect(fw.tryCall('ctx_read', SLOT.SRVCC)).toBe(STATUS.OK);
  });

  it('ctx_install: ngKSI with KSI 111 (TS 24.501 9.11.3.32: "no key is available") is ERR_VALUE, native (7) or mapped (15), and the page is unchanged', () => {
    const ue = ue0(), fw = ue.module;
    for (const [ngKsi, type] of [[7, 2], [15, 3]]) {
      const k = fw.begin().put(key(21));
      const before = fw.snapshot();
      expect(fw.tryCall('ctx_install', SLOT.CURRENT, k, ngKsi, 0x22, type), `ngKSI ${ngKsi}`).toBe(STATUS.ERR_VALUE);
      expect(changed(before, fw.snapshot()), `ngKSI ${ngKsi}`).toEqual([]);
    }
    const k = fw.begin().put(key(21));
    expect(fw.tryCall('ctx_install', SLOT.CURRENT, k, 6, 0x22, 2)).toBe(STATUS.OK);
  });

  it('ue_configure: UE security capabilities of 2–8 octets (TS 24.501 9.11.3.54), IMEISV value of 0–15 octets; 9 or 16 is ERR_LENGTH with the page unchanged; the accepted values sit where context/ue-state.ts puts them ([0] length, [1] value; [12] length, [13] value)', () => {
    const fw = new UeFirmware().module;
    const caps = Uint8Array.from({ length: 9 }, (_, i) => 0xf1 - i), imeisv = Uint8Array.from({ length: 16 }, (_, i) => 0x13 + 0x10 * i);
    for (const [c, i] of [[9, 0], [8, 16]]) {
      fw.begin();
      const co = fw.put(caps.subarray(0, c)), io = fw.put(imeisv.subarray(0, i));
      const before = fw.snapshot();
      expect(fw.tryCall('ue_configure', co, c, io, i, 0), `caps ${c}, IMEISV ${i}`).toBe(STATUS.ERR_LENGTH);
      expect(changed(before, fw.snapshot()), `caps ${c}, IMEISV ${i}`).toEqual([]);
    }
    fw.begin();
    const co = fw.put(caps.subarray(0, 8)), io = fw.put(imeisv.subarray(0, 15));
    expect(fw.tryCall('ue_configure', co, 8, io, 15, 0)).toBe(STATUS.OK);
    expect(fw.tryCall('ue_state_read')).toBe(STATUS.OK);
    const st = fw.take(0, 32);
    expect([st[0], toHex(st.subarray(1, 9)), st[12], toHex(st.subarray(13, 28))]).toEqual([8, toHex(caps.subarray(0, 8)), 15, toHex(imeisv.subarray(0, 15))]);
  });

  it('srvcc_ho_command: variant 0 mme-derive, 1 mme-concat, 2 direct — 3 is ERR_VALUE and the page is unchanged', () => {
    const ue = ue0();
    ue.install('current', { kamf: key(22), ngKsi: 2, type: 'full-native', nea: 2, nia: 2 });
    const fw = ue.module, before = fw.snapshot();
    expect(fw.tryCall('srvcc_ho_command', 1, 3, 0x7d)).toBe(STATUS.ERR_VALUE);
    expect(changed(before, fw.snapshot())).toEqual([]);
    expect(fw.tryCall('srvcc_ho_command', 1, 2, 0x7d)).toBe(STATUS.OK);
  });
});

describe('context/slots.ts ctxInit: "start a context from a KAMF: type, ngKSI, COUNTs 0, no NAS keys yet" — nothing of the slot\'s earlier context survives', () => {
  const onlyHeaderAndKamf = (b: Uint8Array) => [...b.keys()].filter((i) => b[i] !== 0 && i !== SLOT_OFF.TYPE && i !== SLOT_OFF.NGKSI && (i < SLOT_OFF.KAMF || i >= SLOT_OFF.KAMF + 32));
  it('5G AKA (TS 33.501 6.1.3.2 step 7, A.2/A.6/A.7) over a full native context in slot NEW: the partial context holds type, ngKSI and the reference KAMF, every other octet zero', () => {
    const ue = ue0();
    ue.install('new', { kamf: key(23), ngKsi: 5, type: 'full-native', nea: 2, nia: 2 });
    expect(ue.rawSlot('new').subarray(64).some((b) => b !== 0)).toBe(true); // NAS keys and the KAMF's pads
    const ck = key(24).subarray(0, 16), ik = key(25).subarray(0, 16), snn = '5G:mnc093.mcc208.3gppnetwork.org', sqnXorAk = key(26).subarray(0, 6);
    const supi = '208930000000001', abba = Uint8Array.of(0, 0);
    ue.keys.aka5g({ ck, ik, snn, rand: key(27).subarray(0, 16), res: key(28).subarray(0, 8), sqnXorAk, supi: new TextEncoder().encode(supi), abba, ngKsi: 3 });
    const kamf = ref.kamf(ref.kseaf(ref.kausf(ck, ik, snn, sqnXorAk), snn), supi, abba);
    const b = ue.rawSlot('new');
    expect([b[SLOT_OFF.TYPE], b[SLOT_OFF.NGKSI], toHex(b.subarray(SLOT_OFF.KAMF, SLOT_OFF.KAMF + 32))]).toEqual([1, 3, toHex(kamf)]);
    expect(onlyHeaderAndKamf(b), 'non-zero octets of the new partial context').toEqual([]);
  });
  it('ctx_install of a partial native context copies the 32 octets of the KAMF and nothing after them in the mailbox', () => {
    const fw = ue0().module;
    const k = fw.begin().put(Uint8Array.from([...key(29), 0xa5, 0x5a, 0xff, 0x01]));
    expect(fw.tryCall('ctx_install', SLOT.NEW, k, 4, 0, 1)).toBe(STATUS.OK);
    expect(fw.tryCall('ctx_read', SLOT.NEW)).toBe(STATUS.OK);
    const b = fw.take(0, UE.CTX_SLOT_SIZE);
    expect(toHex(b.subarray(SLOT_OFF.KAMF, SLOT_OFF.KAMF + 32))).toBe(toHex(key(29)));
    expect(onlyHeaderAndKamf(b)).toEqual([]);
  });
});

describe('TS 33.501 SRVCC annex (A.21, TS 33.401 A.12) at the raw export: the mapped SRVCC context and the result, nothing else', () => {
  const KAMF_S = key(30), NGKSI_S = 2;
  function ueS() {
    const ue = ue0();
    ue.install('current', { kamf: KAMF_S, ngKsi: NGKSI_S, type: 'full-native', nea: 2, nia: 2 });
    ue.setCounts('current', '3gpp', 4, 0x1f, true);
    return ue;
  }
  it('mme-derive then direct without clearing the mailbox: direct leaves the AMF-step key field (IO_OUT[48..80)) zero — "zeros for direct" (context/srvcc.ts) — and writes only IO_OUT, the CURRENT slot and SRVCC_CTX (not the mailbox input)', () => {
    const ue = ueS(), fw = ue.module;
    expect(fw.tryCall('srvcc_ho_command', 0, 0, 0x7d)).toBe(STATUS.OK); // DL COUNT 0x20
    expect(toHex(fw.take(48, 32))).toBe(toHex(ref.kasmeSrvcc(KAMF_S, 0x20)));
    fw.begin().put(Uint8Array.from({ length: 64 }, (_, i) => 0xc0 ^ i)); // whatever a C host left in IO_IN stays
    const before = fw.snapshot();
    expect(fw.tryCall('srvcc_ho_command', 1, 2, 0x7d)).toBe(STATUS.OK); // DL COUNT 0x21
    const direct = ref.kasmeSrvcc(KAMF_S, 0x21); // direct: CK ‖ IK = KDF(KAMF, FC, DL COUNT) itself
    expect([toHex(fw.take(16, 16)), toHex(fw.take(32, 16))]).toEqual([toHex(direct.subarray(0, 16)), toHex(direct.subarray(16))]);
    expect(fw.take(48, 32).every((b) => b === 0), 'IO_OUT[48..80) after direct').toBe(true);
    expect(changed(before, fw.snapshot(), [IO_OUT, slotRange(SLOT.CURRENT), [UE.SRVCC_CTX_PTR, UE.SRVCC_CTX_PTR + UE.SRVCC_CTX_LEN]])).toEqual([]);
  });
  it('ctx_read(SRVCC) has each field at the offset the generated ABI gives (regenerated from assembly/ now, equal to the tracked one): valid, KSI, variant, FC, DL COUNT, CKSRVCC, IKSRVCC', () => {
    const block = (t: string) => t.slice(t.indexOf('export const SRVCC_OFF'), t.indexOf('} as const;', t.indexOf('export const SRVCC_OFF')));
    const regenerated = block(abiTsText());
    expect(regenerated).toBe(block(readFileSync(new URL('../../host/firmware/abi.generated.ts', import.meta.url), 'utf8')));
    const ue = ueS(), fw = ue.module;
    expect(fw.tryCall('srvcc_ho_command', 3, 1, 0x7d)).toBe(STATUS.OK); // mme-concat, DL COUNT 0x23
    expect(fw.tryCall('ctx_read', SLOT.SRVCC)).toBe(STATUS.OK);
    const b = fw.take(0, UE.SRVCC_CTX_LEN), o = SRVCC_OFF, k = ref.kasmeSrvcc(KAMF_S, 0x23);
    expect([b[o.VALID], b[o.KSI], b[o.VARIANT], b[o.FC], new DataView(b.buffer).getUint32(o.COUNT, true)]).toEqual([1, NGKSI_S, 1, 0x7d, 0x23]);
    expect([toHex(b.subarray(o.CK, o.CK + 16)), toHex(b.subarray(o.IK, o.IK + 16))]).toEqual([toHex(k.subarray(0, 16)), toHex(k.subarray(16))]);
  });
});

describe('N2 handover NAS transparent container (TS 33.501 6.9.2.3.3; TS 24.501 9.11.3.34) at the raw export n2_ho', () => {
  const KAMF_N = key(31), NGKSI_N = 2;
  /** CURRENT native (last DL 0x20), MAPPED holding a context with its KAMF pads. */
  function ueN() {
    const ue = ue0();
    ue.install('current', { kamf: KAMF_N, ngKsi: NGKSI_N, type: 'full-native', nea: 2, nia: 2 });
    ue.setCounts('current', '3gpp', 4, 0x20, true);
    ue.install('mapped', { kamf: key(32), ngKsi: 0x08 | 4, type: 'mapped', nea: 2, nia: 2 });
    return ue;
  }
  const run = (ue: UeFirmware, nasc: Uint8Array) => {
    const fw = ue.module, c = fw.begin().put(nasc), before = fw.snapshot();
    return { st: fw.tryCall('n2_ho', c), before, after: fw.snapshot() };
  };
  it('5G-EA 128-NEA3 (3) is a defined algorithm: KACF 0 container accepted, the current context now NEA3 with its A.8 keys', () => {
    const ue = ueN();
    const nasc = buildNasc(ref.nasKeys(KAMF_N, 3, 2).knasint, 3, 2, NGKSI_N, 0x21);
    expect(run(ue, nasc).st).toBe(STATUS.OK);
    const cur = ue.read('current');
    expect([cur.nea, cur.nia, toHex(cur.knasenc)]).toEqual([3, 2, toHex(ref.nasKeys(KAMF_N, 3, 2).knasenc)]);
  });
  it('5G-EA 4 (undefined) is ERR_ALGORITHM and changes no byte', () => {
    const ue = ueN();
    const { st, before, after } = run(ue, buildNasc(ref.nasKeys(KAMF_N, 4, 2).knasint, 4, 2, NGKSI_N, 0x21));
    expect(st).toBe(STATUS.ERR_ALGORITHM);
    expect(changed(before, after)).toEqual([]);
  });
  it('a container whose NAS-MAC does not verify is ERR_MAC and changes no byte (no XMAC left in scratch either)', () => {
    const ue = ueN();
    const nasc = buildNasc(ref.nasKeys(KAMF_N, 2, 2).knasint, 2, 2, NGKSI_N, 0x21);
    nasc[0] ^= 1;
    const { st, before, after } = run(ue, nasc);
    expect(st).toBe(STATUS.ERR_MAC);
    expect(changed(before, after)).toEqual([]);
  });
  it('KACF 1: KAMF′ = A.13(KAMF, 0x01, DL COUNT), temporary KgNB = A.9(KAMF′, 2^32−1), NCC 0; only the CURRENT slot and IO_OUT change (the MAPPED slot and its pads untouched)', () => {
    const ue = ueN();
    expect(ue.rawSlot('mapped').subarray(192).some((b) => b !== 0)).toBe(true); // MAPPED keeps its KAMF pads
    const kamfPrime = ref.kamfPrime(KAMF_N, 1, 0x21);
    const { st, before, after } = run(ue, buildNasc(ref.nasKeys(kamfPrime, 2, 2).knasint, 2, 2, 0x10 | NGKSI_N, 0x21));
    expect(st).toBe(STATUS.OK);
    expect(changed(before, after, [IO_OUT, slotRange(SLOT.CURRENT)])).toEqual([]);
    const cur = ue.read('current');
    expect([toHex(cur.kamf), toHex(cur.kgnb), cur.ncc]).toEqual([toHex(kamfPrime), toHex(ref.kgnb(kamfPrime, 0xffffffff, 1)), 0]);
  });
});
