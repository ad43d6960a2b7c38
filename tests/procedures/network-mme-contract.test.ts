// The interworking and N2-handover network model (host/network/mme.ts) by its documented contract
// (issue 16: Stryker survivors): the AMF's refusals of a 5G → EPS TAU (TS 33.501 8.6.1, TS 24.301
// 9.1, TS 23.003 2.10.2.1.2), the keys and COUNTs of each step (TS 33.501 8.3.2, 8.4, 8.6, A.14,
// A.15, A.9, 6.9.2.3.3; TS 33.401 A.3, A.4, A.7) and the trace the model documents for each step.
// Expected keys are computed here with node:crypto HMAC-SHA-256 (the TS 33.220 B.2 KDF with the
// FC and parameters of each clause), never by the model.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InterworkingMme, n2HandoverTarget } from '../../host/network/mme.js';
import type { AmfUeContext } from '../../host/network/amf.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import { nia2Ref } from '../../host/reference/nas.js';
import { epsProtected, tauRequest } from '../../host/nas/eps.js';
import { mappedEpsGuti } from '../../host/nas/identity.js';
import { guti } from '../../host/scenarios/setup.js';
import { Trace } from '../../host/trace.js';
import { toHex } from '../helpers.js';

const GUTI = guti(0x01, 0x0000_0a01);
const KAMF = Uint8Array.from({ length: 32 }, (_, i) => 0x10 + i);
const EPS_ALGS = 0x12; // EEA1 / EIA2
const u32 = (v: number) => [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
/** TS 33.220 B.2: HMAC-SHA-256(key, FC ‖ P0 ‖ L0 ‖ …). */
function kdf(key: Uint8Array | string, fc: number, ...params: number[][]): string {
  const s = [fc];
  for (const p of params) s.push(...p, p.length >> 8, p.length & 0xff);
  return createHmac('sha256', typeof key === 'string' ? Buffer.from(key, 'hex') : key).update(Buffer.from(s)).digest('hex');
}
const bytes = (h: string) => [...Buffer.from(h, 'hex')];
const lsb128 = (h: string) => h.slice(32);

function amfContext(ngKsi = 2, ulLast = 6, dlNext = 0x1_05): AmfUeContext {
  const nas = new NetworkNasContext(KAMF, ngKsi, 2, 2);
  nas.ulLast['3gpp'] = ulLast; nas.dlNext['3gpp'] = dlNext;
  return { supi: '001010000000001', guti: GUTI, nas, ueSecurityCapabilities: Uint8Array.of(0xe0, 0xe0), transferPending: false };
}
/** The UE's TAU: EPS security header type 1, MAC = 128-NIA2 of the 5G KNASint over SQN ‖ message
 *  with the 5G UL NAS COUNT (TS 33.501 8.6.1, TS 24.301 9.5). */
function tau(ctx: AmfUeContext, count: number, o: { ksi?: number; oldGuti?: Uint8Array; mapped?: boolean; sht?: number; badMac?: boolean } = {}): Uint8Array {
  const plain = tauRequest({ ksi: o.ksi ?? (0x08 | (ctx.nas.ngKsi & 7)), oldGuti: o.oldGuti ?? mappedEpsGuti(ctx.guti), mappedGuti: o.mapped ?? true });
  const sqnAndBody = Uint8Array.of(count & 0xff, ...plain);
  const mac = nia2Ref(ctx.nas.knasint, count, 1, 0, sqnAndBody, sqnAndBody.length * 8);
  if (o.badMac) mac[3] ^= 0x80;
  return epsProtected(o.sht ?? 1, mac, count, plain);
}
const stepsOf = (t: Trace, from: string) => t.steps.filter((s) => s.from === from);

describe('TS 33.501 8.6.1: the AMF maps a 5G context to EPS only for an integrity-protected TAU with the mapped GUTI and ngKSI of the context it holds', () => {
  const cases: [string, (c: AmfUeContext) => Uint8Array, string][] = [
    ['security header type 0 (plain)', (c) => Uint8Array.of(0x07, ...tau(c, 7).subarray(1)), 'not an EPS NAS message integrity protected (security header type 1, PD 7)'],
    ['security header type 2 (ciphered)', (c) => tau(c, 7, { sht: 2 }), 'not an EPS NAS message integrity protected (security header type 1, PD 7)'],
    ['no TRACKING AREA UPDATE REQUEST inside', (c) => epsProtected(1, new Uint8Array(4), 7, Uint8Array.of(0x07, 0x45, 0, 0)), 'not a TRACKING AREA UPDATE REQUEST'],
    ['an old GUTI mapped from another 5G-GUTI', (c) => tau(c, 7, { oldGuti: mappedEpsGuti(guti(0x01, 0x0000_0a02)) }), 'old GUTI is not the one mapped from the 5G-GUTI of this AMF (TS 23.003 2.10.2.1.2)'],
    ['the right GUTI without "Old GUTI type: mapped"', (c) => tau(c, 7, { mapped: false }), 'old GUTI is not the one mapped from the 5G-GUTI of this AMF (TS 23.003 2.10.2.1.2)'],
    ['a native KSI (TSC 0)', (c) => tau(c, 7, { ksi: 2 }), 'NAS key set identifier 2 is not the ngKSI 2 as mapped'],
    ['another mapped KSI', (c) => tau(c, 7, { ksi: 0x08 | 3 }), 'NAS key set identifier 11 is not the ngKSI 2 as mapped'],
    ['a wrong NAS-MAC', (c) => tau(c, 7, { badMac: true }), 'integrity check FAILED with the 5G context'],
  ];
  for (const [what, make, why] of cases) {
    it(`${what}: no mapped context, refused by the AMF towards the MME with the reason`, () => {
      const trace = new Trace();
      const mme = new InterworkingMme(trace);
      const c = amfContext();
      expect(mme.tauFrom5g(c, make(c), EPS_ALGS)).toBeNull();
      expect(mme.epsContext).toBeNull();
      expect(c.nas.ulLast['3gpp']).toBe(6);
      const s = trace.steps.at(-1)!;
      expect([s.from, s.to, s.event, s.clause, s.values]).toEqual(['AMF', 'MME', `TAU Request rejected: ${why}; no mapped context`, 'TS 33.501 8.6.1, TS 24.301 9.1', {}]);
    });
  }

  it('a verified TAU: K′ASME = A.14.1(KAMF, UL NAS COUNT of the TAU), eKSI = ngKSI, EPS NAS keys = TS 33.401 A.7 for the selected EEA/EIA, the EPS COUNTs continue the 5G ones', () => {
    const trace = new Trace();
    const mme = new InterworkingMme(trace, 'source AMF');
    const c = amfContext(2, 6, 0x1_05);
    const r = mme.tauFrom5g(c, tau(c, 7), EPS_ALGS)!;
    const kasme = kdf(KAMF, 0x73, u32(7));
    expect(toHex(r.kasme)).toBe(kasme);
    expect([r.eKsi, r.eea, r.eia, r.ulCountTau, r.ulCount, r.dlCount]).toEqual([2, 1, 2, 7, 8, 0x1_05]);
    expect([toHex(r.knasEnc), toHex(r.knasInt)]).toEqual([lsb128(kdf(kasme, 0x15, [1], [1])), lsb128(kdf(kasme, 0x15, [2], [2]))]);
    expect(mme.epsContext).toEqual({ kasme: r.kasme, eKsi: 2, eea: 1, eia: 2, knasEnc: r.knasEnc, knasInt: r.knasInt, ulCount: 8, dlCount: 0x1_05 });
    const [amfStep] = stepsOf(trace, 'source AMF');
    expect([amfStep.to, amfStep.clause, amfStep.values]).toEqual(['MME', 'TS 33.501 8.6.1, A.14.1', { kamf: toHex(KAMF), ulCount: 7, kasmePrime: kasme, eKsi: 2 }]);
    expect(amfStep.event).toBe('TAU Request (NAS-EPS, mapped GUTI) verified with the 5G context; K′ASME = A.14.1(KAMF, UL NAS COUNT of the TAU); ngKSI → eKSI (mapped)');
    const [mmeStep] = stepsOf(trace, 'MME');
    expect([mmeStep.event, mmeStep.clause]).toEqual(['Mapped EPS security context (idle): EPS NAS keys = TS 33.401 A.7(K′ASME, EEA1/EIA2)', 'TS 33.501 8.6.1/8.3.2, TS 33.401 A.7']);
    expect(mmeStep.values).toEqual({ kasmePrime: kasme, eKsi: 2, knasEnc: toHex(r.knasEnc), knasInt: toHex(r.knasInt) });
  });
});

describe('TS 33.501 8.3.2: 5G → EPS handover — K′ASME = A.14.2(KAMF, DL NAS COUNT), then DL NAS COUNT + 1; KeNB = TS 33.401 A.3(K′ASME, 2^32−1), NH twice (NCC 2)', () => {
  it('keys, COUNTs and the trace of both steps', () => {
    const trace = new Trace();
    const mme = new InterworkingMme(trace);
    const c = amfContext(4, 0x2_10, 0x3_07);
    const r = mme.handoverFrom5g(c, EPS_ALGS);
    const kasme = kdf(KAMF, 0x74, u32(0x3_07));
    const kenb = kdf(kasme, 0x11, u32(0xffffffff));
    const nh1 = kdf(kasme, 0x12, bytes(kenb)), nh2 = kdf(kasme, 0x12, bytes(nh1));
    expect([toHex(r.kasme), toHex(r.kenb!), toHex(r.nh!), r.ncc]).toEqual([kasme, kenb, nh2, 2]);
    expect([r.dlCount5g, r.dlLsb8, c.nas.dlNext['3gpp'], r.eKsi, r.ulCount, r.dlCount]).toEqual([0x3_07, 0x07, 0x3_08, 4, 0x2_11, 0x3_08]);
    const [amfStep] = stepsOf(trace, 'AMF');
    expect([amfStep.event, amfStep.to, amfStep.clause]).toEqual(['Handover Required (to E-UTRAN): K′ASME = A.14.2(KAMF, DL NAS COUNT), then DL NAS COUNT + 1', 'MME', 'TS 33.501 8.3.2, A.14.2']);
    expect(amfStep.values).toEqual({ kamf: toHex(KAMF), dlCount: 0x3_07, kasmePrime: kasme, eKsi: 4, dlLsb8: 7 });
    const mmeSteps = stepsOf(trace, 'MME');
    expect(mmeSteps.map((s) => s.event)).toEqual(['Mapped EPS security context (ho): EPS NAS keys = TS 33.401 A.7(K′ASME, EEA1/EIA2)', 'KeNB = TS 33.401 A.3(K′ASME, 2^32−1); NH derived twice (NCC 2)']);
    expect([mmeSteps[1].clause, mmeSteps[1].values]).toEqual(['TS 33.501 8.3.2, TS 33.401 A.3/A.4', { kenb, nh: nh2, ncc: 2 }]);
  });

  it('TS 33.401 7.2.8: the EPS AS keys of the current EPS context — KeNB = A.3(KASME, UL NAS COUNT), NH = A.4(KASME, KeNB), NCC 1', () => {
    const trace = new Trace();
    const mme = new InterworkingMme(trace);
    const c = amfContext();
    const kasme = toHex(mme.tauFrom5g(c, tau(c, 7), EPS_ALGS)!.kasme);
    const r = mme.epsAsKeys(0x1_02);
    const kenb = kdf(kasme, 0x11, u32(0x1_02)), nh = kdf(kasme, 0x12, bytes(kenb));
    expect([toHex(r.kenb), toHex(r.nh), r.ncc]).toEqual([kenb, nh, 1]);
    expect([toHex(mme.epsContext!.nh!), mme.epsContext!.ncc]).toEqual([nh, 1]);
    const s = trace.steps.at(-1)!;
    expect([s.from, s.event, s.clause, s.values]).toEqual(['MME', 'EPS AS keys: KeNB = A.3(KASME, UL NAS COUNT), NH (NCC 1)', 'TS 33.401 A.3, A.4', { kasme, ulCount: 0x1_02, kenb, nh, ncc: 1 }]);
  });
});

describe('TS 33.501 8.2 / 8.4 / 8.6.2: EPS → 5G', () => {
  function withEpsContext(trace: Trace) {
    const mme = new InterworkingMme(trace);
    const c = amfContext(3);
    const kasme = toHex(mme.tauFrom5g(c, tau(c, 7), EPS_ALGS)!.kasme);
    return { mme, kasme };
  }

  it('idle: K′AMF = A.15.1(KASME, UL EPS NAS COUNT of the TAU), ngKSI = eKSI with TSC mapped, 5G COUNTs from 0', () => {
    const trace = new Trace();
    const { mme, kasme } = withEpsContext(trace);
    const nas = mme.contextTo5gIdle(0x2_01);
    const kamf = kdf(kasme, 0x75, u32(0x2_01));
    expect([toHex(nas.kamf), nas.ngKsi, nas.ulLast['3gpp'], nas.dlNext['3gpp']]).toEqual([kamf, 0x08 | 3, -1, 0]);
    const s = trace.steps.at(-1)!;
    expect([s.from, s.event, s.clause, s.values]).toEqual(['AMF', 'Context from the MME: K′AMF = A.15.1(KASME, UL EPS NAS COUNT of the TAU); mapped ngKSI = eKSI | TSC', 'TS 33.501 8.6.2, A.15.1',
      { kasme, ulEpsCount: 0x2_01, kamfPrime: kamf, ngKsi: 11 }]);
  });

  it('handover needs NH: without the EPS AS keys the target AMF refuses (no K′AMF from an absent NH)', () => {
    const { mme } = withEpsContext(new Trace());
    expect(() => mme.handoverTo5g()).toThrow('no NH: derive the EPS AS keys first');
  });

  it('handover: K′AMF = A.15.2(KASME, NH), the S1 mode to N1 mode NAS container MACed with the new KNASint and COUNT 2^32−1, temporary KgNB = A.9(K′AMF, 2^32−1, 3GPP)', () => {
    const trace = new Trace();
    const { mme, kasme } = withEpsContext(trace);
    const nh = toHex(mme.epsAsKeys(9).nh);
    const r = mme.handoverTo5g();
    const kamf = kdf(kasme, 0x76, bytes(nh));
    const knasint = lsb128(kdf(kamf, 0x69, [2], [2]));
    const body = Uint8Array.of(0x22, 0x08 | 3, 0);
    const mac = nia2Ref(Buffer.from(knasint, 'hex'), 0xffffffff, 1, 1, body, 24);
    expect([toHex(r.nas.kamf), r.nas.ngKsi, toHex(r.nasc), toHex(r.kgnb)]).toEqual([kamf, 11, toHex(mac) + '220b00', kdf(kamf, 0x6e, u32(0xffffffff), [1])]);
    const s = trace.steps.at(-1)!;
    expect([s.from, s.to, s.event, s.clause]).toEqual(['target AMF', 'UE', 'K′AMF = A.15.2(KASME, NH); S1 mode to N1 mode NAS container (MAC with COUNT 2^32−1); temporary KgNB', 'TS 33.501 8.4, A.15.2, A.9']);
    expect(s.values).toEqual({ kasme, nh, kamfPrime: kamf, ngKsi: 11, knasint, nasc: toHex(r.nasc), kgnb: toHex(r.kgnb) });

    const bad = mme.handoverTo5g(2, 2, true); // fault injection: the container's NAS-MAC with its first bit flipped
    expect(toHex(bad.nasc)).toBe(toHex(Uint8Array.of(mac[0] ^ 1, ...mac.subarray(1), 0x22, 0x0b, 0)));
    expect(trace.steps.at(-1)!.event).toBe('K′AMF = A.15.2(KASME, NH); S1 mode to N1 mode NAS container (MAC with COUNT 2^32−1) — MAC corrupted; temporary KgNB');
  });

  it('after release the MME holds no EPS context: every later step refuses', () => {
    const { mme } = withEpsContext(new Trace());
    mme.release();
    expect(mme.epsContext).toBeNull();
    for (const f of [() => mme.epsAsKeys(0), () => mme.contextTo5gIdle(0), () => mme.handoverTo5g()]) expect(f).toThrow('the MME holds no EPS security context for the UE');
  });
});

describe('TS 33.501 6.9.2.3.3: N2 handover — the handover DL COUNT, KACF, the Intra N1 mode NAS container and the trace', () => {
  it('KACF = 1: KAMF′ = A.13(KAMF, DIRECTION 0x01, DL NAS COUNT), the source\'s DL COUNT + 1, the target\'s DL COUNT 1 after the NASC; traced by source and target', () => {
    const trace = new Trace();
    const c = amfContext(5, 0x40, 0x1_2c);
    const r = n2HandoverTarget(c, { kacf: true }, trace);
    const kamf = kdf(KAMF, 0x72, [1], u32(0x1_2c));
    expect([toHex(r.nas.kamf), r.nas.ngKsi, r.dlCount, c.nas.dlNext['3gpp'], r.nas.dlNext['3gpp'], toHex(r.kgnb!)]).toEqual([kamf, 5, 0x1_2c, 0x1_2d, 1, kdf(kamf, 0x6e, u32(0xffffffff), [1])]);
    expect(trace.steps.length).toBe(2);
    const [src, tgt] = trace.steps;
    expect([src.from, src.to, src.event, src.clause, src.values]).toEqual(['source AMF', 'target AMF', 'Handover Required (N2): DL NAS COUNT 300 for the handover, then + 1', 'TS 33.501 6.9.2.3.3', { kamf: toHex(KAMF), dlCount: 0x1_2c }]);
    expect([tgt.from, tgt.to, tgt.clause]).toEqual(['target AMF', 'UE', 'TS 33.501 6.9.2.3.3, A.13, A.9']);
    expect(tgt.event).toBe('KACF = 1: KAMF′ = A.13(KAMF, DIRECTION 0x01, DL NAS COUNT) keeps the ngKSI of KAMF; COUNTs 0, DL + 1 after the NASC; temporary KgNB = A.9(KAMF′, 2^32−1)');
    expect(tgt.values).toEqual({ kamf, ngKsi: 5, knasint: toHex(r.nas.knasint), kgnb: toHex(r.kgnb!), nasc: toHex(r.nasc), sqn: 0x2c });
  });

  it('KACF = 0: the same KAMF and the COUNTs continue; traced as such', () => {
    const trace = new Trace();
    const c = amfContext(5, 0x40, 0x1_2c);
    const r = n2HandoverTarget(c, { kacf: false }, trace);
    expect([toHex(r.nas.kamf), r.kgnb, r.nas.ulLast['3gpp'], r.nas.dlNext['3gpp']]).toEqual([toHex(KAMF), null, 0x40, 0x1_2d]);
    const tgt = trace.steps[1];
    expect([tgt.event, tgt.clause, tgt.values]).toEqual(['KACF = 0: keeps KAMF and the NAS COUNTs', 'TS 33.501 6.9.2.3.3',
      { kamf: toHex(KAMF), ngKsi: 5, knasint: toHex(r.nas.knasint), kgnb: null, nasc: toHex(r.nasc), sqn: 0x2c }]);
  });

  it('fault injection is traced only when injected: a corrupted NAS-MAC, a container ngKSI other than the context\'s', () => {
    const faults = (o: { corruptMac?: boolean; containerNgKsi?: number }) => {
      const trace = new Trace();
      n2HandoverTarget(amfContext(5), { kacf: true, ...o }, trace);
      return trace.steps.slice(2).map((s) => [s.from, s.event]);
    };
    expect(faults({})).toEqual([]);
    expect(faults({ containerNgKsi: 5 })).toEqual([]);
    expect(faults({ corruptMac: true })).toEqual([['target AMF', '(fault injected: NAS-MAC of the container corrupted)']]);
    expect(faults({ containerNgKsi: 1 })).toEqual([['target AMF', '(fault injected: the container names ngKSI 1)']]);
  });
});
