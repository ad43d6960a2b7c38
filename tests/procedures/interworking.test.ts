// 5G ↔ EPS interworking keys (TS 33.501 8.2–8.6, A.14, A.15; TS 33.401 A.3, A.4, A.7): UE firmware
// against the node:crypto MME/AMF models and the reference KDF on random keys and COUNTs, the
// 8-LSB DL COUNT estimate across wrap-around, NASC MAC failures, and the scenario's deletion rules.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { UeFirmware, SLOTS } from '../../host/firmware/ue-firmware.js';
import { UeInterworking } from '../../host/firmware/ue-interworking.js';
import { InterworkingMme, buildNasc, TSC_MAPPED } from '../../host/network/mme.js';
import { NO_COUNT } from '../../host/types.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import type { AmfUeContext } from '../../host/network/amf.js';
import { Trace } from '../../host/trace.js';
import { runInterworking, tauRequest } from '../../host/scenarios/interworking.js';
import { ref } from '../../host/reference/kdf.js';
import { CountWrapError, FirmwareError, InputError, MacFailureError } from '../../host/errors.js';
import { hex, toHex } from '../helpers.js';
import { guti } from '../../host/scenarios/setup.js';
import * as M from '../../host/nas/messages.js';

const RUNS = { numRuns: 200 };
const GUTI5G = guti(0x01, 0x00000401);
const CAPS = Uint8Array.of(0xf0, 0xf0);
const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const ue = new UeFirmware();
ue.configure({ ueSecurityCapabilities: CAPS });
const iw = new UeInterworking(ue);
const slots = () => SLOTS.map((s) => toHex(ue.rawSlot(s)));

function ueWith(kamf: Uint8Array, ngKsi: number, ul: number, lastDl: number | null): void {
  for (const s of SLOTS) ue.wipe(s);
  ue.install('current', { kamf, ngKsi, type: 'full-native', nea: 2, nia: 2 });
  ue.setCounts('current', '3gpp', ul, lastDl ?? 0, lastDl !== null);
}
function amfCtx(kamf: Uint8Array, ngKsi: number, ulLast: number, dlNext: number): AmfUeContext {
  const nas = new NetworkNasContext(kamf, ngKsi, 2, 2);
  nas.ulLast['3gpp'] = ulLast; nas.dlNext['3gpp'] = dlNext;
  return { supi: '001010000000001', guti: GUTI5G, nas, ueSecurityCapabilities: CAPS, transferPending: false };
}

describe('5G → EPS handover: K′ASME A.14.2, KeNB (2^32−1), NH (NCC 2), 8-LSB DL COUNT estimate', () => {
  it('UE = MME/AMF model = reference (random KAMF, last DL COUNT, gap 1–256)', () => {
    fc.assert(fc.property(key32, fc.nat({ max: 6 }), fc.option(fc.nat({ max: 0xfffe00 }), { nil: null }), fc.integer({ min: 1, max: 256 }), (kamf, ngKsi, last, gap) => {
      const dl = last === null ? gap - 1 : last + gap;
      ueWith(kamf, ngKsi, 0, last);
      const c = amfCtx(kamf, ngKsi, -1, dl);
      const n = new InterworkingMme(new Trace()).handoverFrom5g(c, 0x00);
      const u = iw.epsMapHo(n.dlLsb8);
      expect(u.count).toBe(dl);
      expect(c.nas.dlNext['3gpp']).toBe(dl + 1);
      const kasme = ref.kasmePrime(kamf, 'ho', dl), kenb = ref.kenb(kasme, NO_COUNT);
      expect(toHex(u.kasmePrime)).toBe(toHex(kasme));
      expect(toHex(n.kasme)).toBe(toHex(kasme));
      expect(toHex(u.kenb)).toBe(toHex(kenb));
      expect(toHex(u.nh)).toBe(toHex(ref.nhEps(kasme, ref.nhEps(kasme, kenb))));
      expect(toHex(u.nh)).toBe(toHex(n.nh!));
      expect([toHex(u.knasEnc), toHex(u.knasInt)]).toEqual([toHex(n.knasEnc), toHex(n.knasInt)]);
      expect(u.eKsi).toBe(ngKsi);
      expect(ue.read('current').dlCount['3gpp']).toBe(dl); // the estimate becomes the UE's 5G DL COUNT
    }), RUNS);
  });
  const cases: Array<[number | null, number]> = [
    [null, 0], [null, 0xff], [0xfe, 0xff], [0xff, 0x100], [0xff, 0x1fe], [0xff, 0x1ff], [0x100, 0x200], [0x1ff, 0x200],
    [0x1f0, 0x2ef], [0xffff, 0x10000], [0x12345, 0x12400], [0xfffe00, 0xfffeff],
  ];
  for (const [last, dl] of cases) {
    it(`8 LSB: last accepted ${last === null ? 'none' : '0x' + last.toString(16)}, DL COUNT 0x${dl.toString(16)}`, () => {
      ueWith(hex('12'.repeat(32)), 1, 0, last);
      expect(iw.epsMapHo(dl & 0xff).count).toBe(dl);
    });
  }
  it('an estimate past the 24-bit NAS COUNT is refused', () => {
    ueWith(hex('12'.repeat(32)), 1, 0, 0xffffff);
    expect(() => iw.epsMapHo(0)).toThrow(CountWrapError);
  });
});

describe('5G → EPS idle: TAU protected with the 5G context, K′ASME A.14.1 with its UL COUNT', () => {
  it('the AMF verifies the TAU with KNASint; UE keys = MME model = reference (random KAMF, UL COUNT; EPS algorithms 0 as installed)', () => {
    fc.assert(fc.property(key32, fc.nat({ max: 6 }), fc.nat({ max: 0xfff000 }), (kamf, ngKsi, ul) => {
      ueWith(kamf, ngKsi, ul, null);
      const u = iw.epsMapIdle(tauRequest(ngKsi, GUTI5G));
      const c = amfCtx(kamf, ngKsi, ul - 1, 0);
      const n = new InterworkingMme(new Trace()).tauFrom5g(c, u.message, 0x00);
      expect(n).not.toBeNull();
      expect([u.count, n!.ulCountTau]).toEqual([ul, ul]);
      const kasme = ref.kasmePrime(kamf, 'idle', ul);
      expect(toHex(u.kasmePrime)).toBe(toHex(kasme));
      expect(toHex(n!.kasme)).toBe(toHex(kasme));
      expect(toHex(u.knasEnc)).toBe(toHex(ref.epsAlgKey(kasme, 1, 0)));
      expect(toHex(u.knasInt)).toBe(toHex(ref.epsAlgKey(kasme, 2, 0)));
      expect(u.eKsi).toBe(ngKsi);
      expect(ue.read('current').ulCount['3gpp']).toBe(ul + 1);
    }), RUNS);
  });
  it('a TAU altered on the way fails the AMF\'s check: no mapped context', () => {
    const kamf = hex('21'.repeat(32));
    ueWith(kamf, 2, 5, null);
    const u = iw.epsMapIdle(tauRequest(2, GUTI5G));
    u.message[u.message.length - 1] ^= 1;
    expect(new InterworkingMme(new Trace()).tauFrom5g(amfCtx(kamf, 2, 4, 0), u.message, 0x22)).toBeNull();
  });
});

describe('EPS → 5G: K′AMF A.15.1 into the MAPPED slot; A.15.2 with NH and the NASC', () => {
  it('idle: mapped slot = A.15.1(KASME, UL EPS COUNT), ngKSI = eKSI | TSC, COUNTs 0 (random)', () => {
    fc.assert(fc.property(key32, fc.nat({ max: 6 }), fc.nat({ max: 0xffffffff }), (kasme, eKsi, ulEps) => {
      ueWith(hex('01'.repeat(32)), 1, 0, null);
      iw.epsTo5gIdle({ kasme, eKsi, ulEpsCount: ulEps });
      const m = ue.read('mapped');
      expect([m.type, m.ngKsi, m.ulCount['3gpp'], m.dlAccepted['3gpp']]).toEqual(['mapped', eKsi | TSC_MAPPED, 0, false]);
      expect(toHex(m.kamf)).toBe(toHex(ref.kamfFromKasmeIdle(kasme, ulEps)));
    }), RUNS);
  });
  it('handover: UE = target AMF model = reference; native moves to NON_CURRENT; temporary KgNB A.9(K′AMF, 2^32−1)', () => {
    fc.assert(fc.property(key32, key32, fc.nat({ max: 6 }), (kasme, nh, eKsi) => {
      const native = hex('0a'.repeat(32));
      ueWith(native, 1, 7, 9);
      const mme = new InterworkingMme(new Trace());
      mme.epsContext = { kasme, eKsi, eea: 2, eia: 2, knasEnc: new Uint8Array(16), knasInt: new Uint8Array(16), ulCount: 0, dlCount: 0, nh, ncc: 1 };
      const t = mme.handoverTo5g();
      iw.epsTo5gHo({ kasme, nh, nasc: t.nasc });
      const cur = ue.read('current'), nc = ue.read('non-current');
      const kamf = ref.kamfFromKasmeHo(kasme, nh);
      expect(toHex(cur.kamf)).toBe(toHex(kamf));
      expect(toHex(t.nas.kamf)).toBe(toHex(kamf));
      expect([cur.type, cur.ngKsi, cur.ulCount['3gpp'], cur.ncc]).toEqual(['mapped', eKsi | TSC_MAPPED, 0, 0]);
      expect(toHex(cur.knasint)).toBe(toHex(ref.nasKeys(kamf, 2, 2).knasint));
      expect(toHex(cur.kgnb)).toBe(toHex(ref.kgnb(kamf, NO_COUNT, 1)));
      expect([nc.type, toHex(nc.kamf)]).toEqual(['full-native', toHex(native)]);
    }), { numRuns: 100 });
  });
  it('handover NASC with a bad MAC: MacFailureError, every slot unchanged', () => {
    const kasme = hex('31'.repeat(32)), nh = hex('32'.repeat(32));
    ueWith(hex('0b'.repeat(32)), 1, 7, 9);
    const knasint = ref.nasKeys(ref.kamfFromKasmeHo(kasme, nh), 2, 2).knasint;
    for (const flip of [0, 3, 4, 5, 6]) {
      const nasc = buildNasc(knasint, 2, 2, 3 | TSC_MAPPED, 0);
      nasc[flip] ^= flip === 4 ? 0x01 : 0x02;
      const before = slots();
      expect(() => iw.epsTo5gHo({ kasme, nh, nasc })).toThrow(flip === 6 ? FirmwareError : MacFailureError);
      expect(slots()).toEqual(before);
    }
  });
  it('inputs are checked by name', () => {
    expect(() => iw.epsTo5gHo({ kasme: new Uint8Array(31), nh: new Uint8Array(32), nasc: new Uint8Array(7) })).toThrow(/^kasme must be 32 bytes, got 31/);
    expect(() => iw.epsTo5gIdle({ kasme: new Uint8Array(32), eKsi: 7, ulEpsCount: 0 })).toThrow(InputError);
    expect(() => iw.epsMapHo(256)).toThrow(/^dlLsb8 /);
  });
});

describe('scenario: ue-keys run interworking', () => {
  for (const to of ['eps', '5gs'] as const) for (const mode of ['idle', 'ho'] as const) {
    it(`--to ${to} --mode ${mode}: UE and network keys identical`, () => {
      const s = runInterworking({ to, mode }).summary;
      expect(s.agree).toBe(true);
      expect(s.ue).toEqual(s.network);
    });
  }
  it('to EPS: keys equal the reference from the summary\'s KAMF and COUNT', () => {
    const i = runInterworking({ to: 'eps', mode: 'idle' }).summary, h = runInterworking({ to: 'eps', mode: 'ho' }).summary;
    const ki = ref.kasmePrime(hex(i.kamf), 'idle', i.count!), kh = ref.kasmePrime(hex(h.kamf), 'ho', h.count!);
    expect(i.ue.kasmePrime).toBe(toHex(ki));
    expect(i.ue.knasInt).toBe(toHex(ref.epsAlgKey(ki, 2, 2)));     // EIA2 selected by the 5G SMC (0x22)
    expect(h.ue.kasmePrime).toBe(toHex(kh));
    expect(h.ue.kenb).toBe(toHex(ref.kenb(kh, NO_COUNT)));
    expect([h.countLsb8, h.ueCountEstimate]).toEqual([h.count! & 0xff, h.count]);
    expect(i.slots).toEqual({ current: 'full-native', nonCurrent: 'none', mapped: 'none' }); // mapped 5G context gone, native kept
  });
  it('to 5GS idle: the SMC with the mapped ngKSI activated the mapped context', () => {
    const s = runInterworking({ to: '5gs', mode: 'idle' }).summary;
    expect(s.slots.current).toBe('mapped');
    expect(s.ue.ksi & TSC_MAPPED).toBe(TSC_MAPPED);
    expect(s.deletionRules.join('\n')).toMatch(/MAPPED slot emptied once taken into use: true/);
  });
  it('to 5GS handover: native non-current, then current again via an SMC with its ngKSI; mapped deleted', () => {
    const s = runInterworking({ to: '5gs', mode: 'ho' }).summary;
    expect(s.slots).toEqual({ current: 'full-native', nonCurrent: 'none', mapped: 'none' });
    const rules = s.deletionRules.join('\n');
    expect(rules).toMatch(/after the handover: current = mapped, non-current = full-native/);
    expect(rules).toMatch(/non-current native 5G context becomes current when an SMC names its ngKSI .*: true/);
    expect(rules).toMatch(/mapped 5G context deleted when the native one is activated: true/);
  });
});

// ---------------------------------------------------------------------------------------------
// Issue 17 "nothing secret stays in module memory" and the memory map's rule for TMP ("scratch for
// intermediate keys inside one export; wiped before return", assembly/memory.ts): the handover
// mapping derives NH twice (TS 33.401 A.4: NH1 = KDF(K′ASME, KeNB), NH2 = KDF(K′ASME, NH1)); NH1
// is an intermediate key that is never returned, so it must be nowhere in memory afterwards.
// ---------------------------------------------------------------------------------------------
describe('5G → EPS handover leaves no intermediate key behind (issue 17)', () => {
  it('after eps_map_ho: TMP all zeros and NH1 = A.4(K′ASME, KeNB) (node:crypto reference) nowhere in the 64 KiB', () => {
    const kamf = hex('5a'.repeat(16) + 'c3'.repeat(16));
    ueWith(kamf, 3, 0, 0x41);
    const u = iw.epsMapHo(0x42);
    expect(u.count).toBe(0x42);
    const kasme = ref.kasmePrime(kamf, 'ho', 0x42), nh1 = ref.nhEps(kasme, ref.kenb(kasme, NO_COUNT));
    expect(toHex(u.nh)).toBe(toHex(ref.nhEps(kasme, nh1))); // NH1 really was computed on the way
    const m = Buffer.from(ue.memory());
    const tmp = ue.module.constant('TMP_PTR'), tmpLen = ue.module.constant('TMP_LEN');
    expect(m.subarray(tmp, tmp + tmpLen).every((b) => b === 0), 'TMP after eps_map_ho').toBe(true);
    expect(m.indexOf(Buffer.from(nh1.subarray(0, 8))), 'NH1 in memory').toBe(-1);
  });
});

// assembly/me/abi/mobility.ts eps_map_ho (a modelling choice, documented there: the source NR AS
// keys are released, TS 38.331 5.4.3.4): the current slot's KgNB and NH (octets 96..160 of the
// slot, context/slots.ts) are zeroed — "retired keys are zeroed" — and nothing else of the slot
// changes but the DL NAS COUNT the estimate sets (TS 33.501 8.3.2). The current 5G context stays
// usable. Found by the firmware mutation runner (issue 16): the wipe aimed 96 octets below the
// slot (`cur - OFF_KGNB`, left the KgNB in place) and one octet longer (into the fast build's
// NIA2 subkeys of KNASint) survived every suite.
describe('5G → EPS handover: the source KgNB and NH are zeroed in the current slot, nothing else of it changes', () => {
  it('current context from an SMC (KgNB = A.9 in the slot), eps_map_ho(0x05): slot octets 96..160 zero, all others but the DL COUNT and its flag as before; the context still protects a message the AMF verifies', () => {
    const kamf = hex('3c'.repeat(16) + 'a5'.repeat(16)), RR = Uint8Array.of(0x7e, 0x00, 0x41, 0x79, 0x00, 0x0d, 0x01, 0x00, 0xf1, 0x10, 0x00, 0x00, 0x00, 0x00, 0x21, 0x43, 0x65);
    const u = new UeFirmware();
    u.configure({ ueSecurityCapabilities: CAPS });
    u.install('current', { kamf, ngKsi: 2, type: 'full-native', nea: 2, nia: 2 });
    u.setCounts('current', '3gpp', 5, 3, true);
    expect(u.registrationRequest(RR).count).toBe(5);
    const net = new NetworkNasContext(kamf, 2, 2, 2);
    net.dlNext['3gpp'] = 4; net.ulLast['3gpp'] = 5;
    const r = u.securityModeCommand(net.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 2, replayedCaps: CAPS, epsAlgs: 0x22 })).message);
    expect(r.result).toBe('complete');
    expect(net.verifyUplink(r.response)?.count).toBe(6);
    const before = u.rawSlot('current');
    expect(toHex(before.subarray(96, 128)), 'KgNB = A.9(KAMF, UL COUNT 6 of the COMPLETE)').toBe(toHex(ref.kgnb(kamf, 6, 1)));
    expect(new UeInterworking(u).epsMapHo(0x05).count).toBe(5);
    const after = u.rawSlot('current');
    expect(after.subarray(96, 160).every((b) => b === 0), 'KgNB and NH after eps_map_ho').toBe(true);
    const changed: number[] = [];
    for (let i = 0; i < after.length; i++) if ((i < 96 || i >= 160) && (i < 16 || i >= 20) && i !== 4 && after[i] !== before[i]) changed.push(i);
    expect(changed, 'slot octets changed besides KgNB, NH, DL COUNT, flags').toEqual([]);
    expect(new DataView(after.buffer, after.byteOffset).getUint32(16, true), 'DL COUNT').toBe(5);
    net.dlNext['3gpp'] = 6; net.ulLast['3gpp'] = 6;
    const p = u.protect('current', '3gpp', 1, Uint8Array.of(0x7e, 0x00, 0x67, 0x01));
    expect(net.verifyUplink(p.message)?.count, 'the current 5G context after the handover').toBe(7);
  });

  // procedures/interworking.ts IW_OUT_* layout: [0] u32 message length, [4] u32 COUNT, [8] eKSI,
  // keys at +16; a handover sends no NAS message, so its length word is 0. README "Memory map":
  // no export writes below IO_IN.
  it('raw eps_map_ho over an IO_OUT full of 0xA5: message length 0 at [0], the DL COUNT at [4], the eKSI at [8]; nothing below IO_IN written', () => {
    const kamf = hex('77'.repeat(32));
    ueWith(kamf, 3, 0, 0x10);
    const fw = ue.module, mem = new Uint8Array(fw.raw.memory.buffer);
    mem.fill(0xa5, fw.outPtr, fw.outPtr + fw.outLen);
    const below = mem.slice(0, fw.inPtr);
    expect(fw.tryCall('eps_map_ho', 0x11)).toBe(0);
    const v = new DataView(mem.buffer, fw.outPtr, 12);
    expect([v.getUint32(0, true), v.getUint32(4, true), v.getUint32(8, true)]).toEqual([0, 0x11, 3]);
    expect(toHex(mem.slice(0, fw.inPtr)) === toHex(below), 'memory below IO_IN unchanged').toBe(true);
    fw.clearMailboxes();
  });
});

// procedures/interworking.ts: "KASME is wiped from the mailbox" (eps_to_5g_idle) and KASME and NH
// likewise after eps_to_5g_ho — the EPS keys a mapped K′AMF comes from are retired once it is
// derived ("retired keys are zeroed"; the host's own mailbox clearing is not what this checks:
// these are raw calls) — and only those octets: the rest of the caller's mailbox stays. Found by
// the firmware mutation runner (issue 16): `wipe(kasme, 32)` with its arguments swapped (zeroing
// from address 32 up to KASME's last octet: below IO_IN and the mailbox before KASME) survived.
describe('EPS → 5G: the KASME (and NH) the mapped K′AMF comes from are zeroed in IO_IN by the export itself', () => {
  it('raw eps_to_5g_idle: IO_IN[kasmeOff .. +32) all zero afterwards and every other mailbox octet as the caller left it; the mapped context holds K′AMF = A.15.1', () => {
    ueWith(hex('0b'.repeat(32)), 1, 0, null);
    const kasme = hex('c7'.repeat(16) + '39'.repeat(16));
    const fw = ue.module, mem = new Uint8Array(fw.raw.memory.buffer);
    const other = Uint8Array.from({ length: 100 }, (_, i) => (i * 13 + 1) | 1); // not key material: must stay
    fw.begin(); fw.putAt(0, other); fw.putAt(100, kasme); fw.putAt(132, other);
    expect(fw.tryCall('eps_to_5g_idle', 100, 4, 0x1234)).toBe(0);
    expect(toHex(mem.slice(fw.inPtr + 100, fw.inPtr + 132))).toBe('00'.repeat(32));
    expect(toHex(mem.slice(fw.inPtr, fw.inPtr + 100)), 'IO_IN before KASME').toBe(toHex(other));
    expect(toHex(mem.slice(fw.inPtr + 132, fw.inPtr + 232)), 'IO_IN after KASME').toBe(toHex(other));
    fw.clearMailboxes();
    expect(toHex(ue.read('mapped').kamf)).toBe(toHex(ref.kamfFromKasmeIdle(kasme, 0x1234)));
  });
  it('raw eps_to_5g_ho (valid container): IO_IN octets of KASME and NH all zero afterwards, the mapped context current', () => {
    ueWith(hex('0c'.repeat(32)), 1, 0, null);
    const kasme = hex('5e'.repeat(32)), nh = hex('e5'.repeat(32));
    const mme = new InterworkingMme(new Trace());
    mme.epsContext = { kasme, eKsi: 2, eea: 2, eia: 2, knasEnc: new Uint8Array(16), knasInt: new Uint8Array(16), ulCount: 0, dlCount: 0, nh, ncc: 1 };
    const t = mme.handoverTo5g();
    const fw = ue.module, mem = new Uint8Array(fw.raw.memory.buffer);
    fw.begin(); fw.putAt(100, kasme); fw.putAt(200, nh); fw.putAt(300, t.nasc);
    expect(fw.tryCall('eps_to_5g_ho', 100, 200, 300)).toBe(0);
    expect(toHex(mem.slice(fw.inPtr + 100, fw.inPtr + 132)), 'KASME').toBe('00'.repeat(32));
    expect(toHex(mem.slice(fw.inPtr + 200, fw.inPtr + 232)), 'NH').toBe('00'.repeat(32));
    fw.clearMailboxes();
    expect(toHex(ue.read('current').kamf)).toBe(toHex(ref.kamfFromKasmeHo(kasme, nh)));
  });
});
