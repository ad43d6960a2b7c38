/**
 * 5G ↔ EPS interworking and N2 handover keys on the network side, written with node:crypto only
 * (the reference KDF and 128-NIA2 of host/reference, never the firmware): the AMF's part of each
 * procedure, an MME that holds the mapped EPS security context, and the target AMF of an N2
 * handover. TS 33.501 8.2–8.6 (A.14, A.15), 6.9.2.3 (A.13, NAS transparent containers),
 * TS 33.401 A.3, A.4, A.7.
 */
import { ref } from '../reference/kdf.js';
import { nia2Ref } from '../reference/nas.js';
import { NetworkNasContext } from './nas-security.js';
import type { AmfUeContext } from './amf.js';
import type { Trace, Actor } from '../trace.js';
import { toHex } from '../hex.js';
import { parseEpsProtected, parseTauRequest, EPS_SHT_INTEGRITY, EPS_TSC_MAPPED } from '../nas/eps.js';
import { mappedEpsGuti } from '../nas/identity.js';
// NO_COUNT (2^32 − 1) is the COUNT of the temporary KeNB/KgNB and the NASC MAC at handover.
import { NO_COUNT } from '../types.js';

/** TSC bit of a ngKSI/eKSI: mapped security context. */
export const TSC_MAPPED = 0x08;
const BEARER_3GPP = 1, DOWNLINK = 1;

/** A mapped EPS security context as the MME holds it. */
export interface MmeEpsContext {
  kasme: Uint8Array; eKsi: number; eea: number; eia: number; knasEnc: Uint8Array; knasInt: Uint8Array;
  ulCount: number; dlCount: number;
  kenb?: Uint8Array; nh?: Uint8Array; ncc?: number;
}

/**
 * A 7-octet NAS transparent container (Intra N1 mode, or S1 mode to N1 mode): NAS-MAC (4),
 * algorithms (NEA << 4 | NIA), KACF ‖ TSC ‖ KSI, SQN. NAS-MAC = 128-NIA2(KNASint, COUNT 2^32−1,
 * BEARER 3GPP, DIRECTION 1, the 3 octets after the MAC) (TS 33.501 6.9.2.3.3, 8.4.2).
 */
export function buildNasc(knasInt: Uint8Array, nea: number, nia: number, ksiOctet: number, sqn: number): Uint8Array {
  const c = Uint8Array.of(0, 0, 0, 0, ((nea & 15) << 4) | (nia & 15), ksiOctet & 0xff, sqn & 0xff);
  c.set(nia === 0 ? new Uint8Array(4) : nia2Ref(knasInt, NO_COUNT, BEARER_3GPP, DOWNLINK, c.subarray(4), 24), 0);
  return c;
}

export class InterworkingMme {
  epsContext: MmeEpsContext | null = null;
  constructor(readonly trace: Trace, readonly amfName: Actor = 'AMF') {}

  /**
   * 5G → EPS idle mobility (8.5.2, 8.6.1): the MME receives an EPS NAS message (TS 24.301 9.1:
   * `17` MAC SQN, then a TRACKING AREA UPDATE REQUEST whose old GUTI is mapped from a 5G-GUTI,
   * TS 23.003 2.10.2.1.2) and forwards it to the AMF of that 5G-GUTI, which verifies the MAC with
   * the current 5G context (KNASint, the UL NAS COUNT from its SQN) and returns K′ASME =
   * A.14.1(KAMF, that UL COUNT) with eKSI = the ngKSI value (mapped); the MME derives the EPS NAS
   * keys (TS 33.401 A.7) for the EPS algorithms the 5G SMC selected. Null: a malformed TAU, an old
   * GUTI that does not map from `amf`'s 5G-GUTI, a KSI other than the mapped ngKSI, or a MAC failure.
   */
  tauFrom5g(amf: AmfUeContext, protectedTau: Uint8Array, epsAlgs: number): (MmeEpsContext & { ulCountTau: number }) | null {
    const fail = (why: string) => {
      this.trace.add(this.amfName, `TAU Request rejected: ${why}; no mapped context`, {}, { to: 'MME', clause: 'TS 33.501 8.6.1, TS 24.301 9.1' });
      return null;
    };
    const framed = parseEpsProtected(protectedTau);
    if (!framed || framed.sht !== EPS_SHT_INTEGRITY) return fail('not an EPS NAS message integrity protected (security header type 1, PD 7)');
    let tau: ReturnType<typeof parseTauRequest>;
    try { tau = parseTauRequest(framed.plain); } catch { return fail('not a TRACKING AREA UPDATE REQUEST'); }
    if (toHex(tau.oldGuti) !== toHex(mappedEpsGuti(amf.guti)) || !tau.mappedGuti) return fail('old GUTI is not the one mapped from the 5G-GUTI of this AMF (TS 23.003 2.10.2.1.2)');
    if (tau.ksi !== (EPS_TSC_MAPPED | (amf.nas.ngKsi & 7))) return fail(`NAS key set identifier ${tau.ksi} is not the ngKSI ${amf.nas.ngKsi & 7} as mapped`);
    const v = amf.nas.verifyUplinkEps(protectedTau);
    if (!v) return fail('integrity check FAILED with the 5G context');
    const kasme = ref.kasmePrime(amf.nas.kamf, 'idle', v.count), eKsi = amf.nas.ngKsi & 7;
    this.trace.add(this.amfName, 'TAU Request (NAS-EPS, mapped GUTI) verified with the 5G context; K′ASME = A.14.1(KAMF, UL NAS COUNT of the TAU); ngKSI → eKSI (mapped)',
      { kamf: amf.nas.kamf, ulCount: v.count, kasmePrime: kasme, eKsi }, { to: 'MME', clause: 'TS 33.501 8.6.1, A.14.1' });
    return { ...this.install(kasme, eKsi, epsAlgs, amf.nas.ulLast['3gpp'] + 1, amf.nas.dlNext['3gpp'], 'idle'), ulCountTau: v.count };
  }

  /**
   * 5G → EPS handover (8.3.2): the source AMF derives K′ASME = A.14.2(KAMF, its current DL NAS
   * COUNT) and then increments that COUNT; the MME derives KeNB = TS 33.401 A.3(K′ASME, 2^32−1)
   * and NH twice (NCC 2). The HO command carries the 8 LSB of the DL COUNT.
   */
  handoverFrom5g(amf: AmfUeContext, epsAlgs: number): MmeEpsContext & { dlCount5g: number; dlLsb8: number } {
    const nas = amf.nas, dl = nas.dlNext['3gpp'];
    const kasme = ref.kasmePrime(nas.kamf, 'ho', dl);
    nas.dlNext['3gpp'] = dl + 1;
    this.trace.add(this.amfName, 'Handover Required (to E-UTRAN): K′ASME = A.14.2(KAMF, DL NAS COUNT), then DL NAS COUNT + 1',
      { kamf: nas.kamf, dlCount: dl, kasmePrime: kasme, eKsi: nas.ngKsi & 7, dlLsb8: dl & 0xff }, { to: 'MME', clause: 'TS 33.501 8.3.2, A.14.2' });
    const ctx = this.install(kasme, nas.ngKsi & 7, epsAlgs, nas.ulLast['3gpp'] + 1, nas.dlNext['3gpp'], 'ho');
    const kenb = ref.kenb(kasme, NO_COUNT);
    const nh1 = ref.nhEps(kasme, kenb), nh2 = ref.nhEps(kasme, nh1);
    Object.assign(ctx, { kenb, nh: nh2, ncc: 2 });
    this.trace.add('MME', 'KeNB = TS 33.401 A.3(K′ASME, 2^32−1); NH derived twice (NCC 2)', { kenb, nh: nh2, ncc: 2 }, { clause: 'TS 33.501 8.3.2, TS 33.401 A.3/A.4' });
    return { ...ctx, dlCount5g: dl, dlLsb8: dl & 0xff };
  }

  /** KeNB and the first NH (NCC 1) in EPS for the current EPS context (TS 33.401 7.2.8): KeNB =
   *  A.3(KASME, UL NAS COUNT), NH1 = A.4(KASME, KeNB). */
  epsAsKeys(ulCount: number): { kenb: Uint8Array; nh: Uint8Array; ncc: number } {
    const c = this.need();
    const kenb = ref.kenb(c.kasme, ulCount), nh = ref.nhEps(c.kasme, kenb);
    Object.assign(c, { kenb, nh, ncc: 1 });
    this.trace.add('MME', 'EPS AS keys: KeNB = A.3(KASME, UL NAS COUNT), NH (NCC 1)', { kasme: c.kasme, ulCount, kenb, nh, ncc: 1 }, { clause: 'TS 33.401 A.3, A.4' });
    return { kenb, nh, ncc: 1 };
  }

  /**
   * EPS → 5G idle mobility (8.2, 8.6.2), AMF side: K′AMF = A.15.1(KASME, UL EPS NAS COUNT of the
   * TAU in the Registration Request); mapped ngKSI = eKSI with TSC mapped; 5G COUNTs 0. The AMF
   * then runs a SECURITY MODE COMMAND with that ngKSI to activate it.
   */
  contextTo5gIdle(ulEpsCount: number, nea = 2, nia = 2): NetworkNasContext {
    const c = this.need();
    const kamf = ref.kamfFromKasmeIdle(c.kasme, ulEpsCount);
    const nas = new NetworkNasContext(kamf, c.eKsi | TSC_MAPPED, nea, nia);
    this.trace.add(this.amfName, 'Context from the MME: K′AMF = A.15.1(KASME, UL EPS NAS COUNT of the TAU); mapped ngKSI = eKSI | TSC',
      { kasme: c.kasme, ulEpsCount, kamfPrime: kamf, ngKsi: nas.ngKsi }, { clause: 'TS 33.501 8.6.2, A.15.1' });
    return nas;
  }

  /**
   * EPS → 5G handover (8.4), target AMF side: K′AMF = A.15.2(KASME, NH); mapped ngKSI; the S1
   * mode to N1 mode NAS container with the new KNASint and COUNT 2^32−1 (octet 7, SQN, sent as
   * 0); temporary KgNB = A.9(K′AMF, UL COUNT 2^32−1) with NCC 0; COUNTs 0.
   */
  handoverTo5g(nea = 2, nia = 2, corruptMac = false): { nas: NetworkNasContext; nasc: Uint8Array; kgnb: Uint8Array } {
    const c = this.need();
    if (!c.nh) throw new Error('no NH: derive the EPS AS keys first');
    const kamf = ref.kamfFromKasmeHo(c.kasme, c.nh);
    const nas = new NetworkNasContext(kamf, c.eKsi | TSC_MAPPED, nea, nia);
    const nasc = buildNasc(nas.knasint, nea, nia, c.eKsi | TSC_MAPPED, 0);
    if (corruptMac) nasc[0] ^= 0x01;
    const kgnb = ref.kgnb(kamf, NO_COUNT, 1);
    this.trace.add('target AMF', `K′AMF = A.15.2(KASME, NH); S1 mode to N1 mode NAS container (MAC with COUNT 2^32−1)${corruptMac ? ' — MAC corrupted' : ''}; temporary KgNB`,
      { kasme: c.kasme, nh: c.nh, kamfPrime: kamf, ngKsi: nas.ngKsi, knasint: nas.knasint, nasc, kgnb }, { to: 'UE', clause: 'TS 33.501 8.4, A.15.2, A.9' });
    return { nas, nasc, kgnb };
  }

  /** After a successful handover or TAU out of EPS the MME's mapped EPS context is released. */
  release(): void { this.epsContext = null; }

  private install(kasme: Uint8Array, eKsi: number, epsAlgs: number, ul: number, dl: number, how: 'idle' | 'ho'): MmeEpsContext {
    const eea = epsAlgs >> 4, eia = epsAlgs & 15;
    const c: MmeEpsContext = { kasme, eKsi, eea, eia, knasEnc: ref.epsAlgKey(kasme, 1, eea), knasInt: ref.epsAlgKey(kasme, 2, eia), ulCount: ul, dlCount: dl };
    this.epsContext = c;
    this.trace.add('MME', `Mapped EPS security context (${how}): EPS NAS keys = TS 33.401 A.7(K′ASME, EEA${eea}/EIA${eia})`,
      { kasmePrime: kasme, eKsi, knasEnc: c.knasEnc, knasInt: c.knasInt }, { clause: 'TS 33.501 8.6.1/8.3.2, TS 33.401 A.7' });
    return c;
  }

  private need(): MmeEpsContext {
    if (!this.epsContext) throw new Error('the MME holds no EPS security context for the UE');
    return this.epsContext;
  }
}

/** What the target AMF of an N2 handover sends and keeps. */
export interface N2Target { nas: NetworkNasContext; nasc: Uint8Array; dlCount: number; kacf: boolean; kgnb: Uint8Array | null }

/**
 * N2 handover, network side (TS 33.501 6.9.2.3.3): the source AMF's current DL NAS COUNT is the
 * handover COUNT, then incremented. KACF = 1: KAMF′ = A.13(KAMF, DIRECTION 0x01, that DL COUNT),
 * which keeps the value and type of the ngKSI of the KAMF it was derived from; COUNTs 0, then the
 * DL COUNT + 1 for the NASC (the first DL message uses 1), temporary KgNB = A.9(KAMF′, 2^32−1). KACF = 0: the same KAMF, the target continues the COUNTs.
 * The Intra N1 mode NAS transparent container carries the algorithms, KACF ‖ TSC ‖ KSI and the
 * 8 LSB of the DL COUNT, MACed with the (new) KNASint and COUNT 2^32−1. `containerNgKsi` puts
 * another ngKSI in the container (fault injection: a KSI naming no context the UE holds).
 */
export function n2HandoverTarget(source: AmfUeContext, o: { kacf: boolean; containerNgKsi?: number; nea?: number; nia?: number; corruptMac?: boolean }, trace: Trace): N2Target {
  const src = source.nas, dl = src.dlNext['3gpp'];
  src.dlNext['3gpp'] = dl + 1;
  const nea = o.nea ?? src.nea, nia = o.nia ?? src.nia;
  let nas: NetworkNasContext, kgnb: Uint8Array | null = null;
  if (o.kacf) {
    const kamf = ref.kamfPrime(src.kamf, 1, dl);
    nas = new NetworkNasContext(kamf, src.ngKsi, nea, nia);
    // 6.9.2.3.3: "The target AMF shall increment the downlink NAS COUNT by one after creating a
    // NASC": the NASC takes DL 0 of KAMF′, the first downlink message goes out with DL 1.
    nas.dlNext['3gpp'] = 1;
    kgnb = ref.kgnb(kamf, NO_COUNT, 1);
  } else {
    nas = new NetworkNasContext(src.kamf, src.ngKsi, nea, nia);
    nas.ulLast = { ...src.ulLast }; nas.dlNext = { ...src.dlNext };
  }
  const nasc = buildNasc(nas.knasint, nea, nia, (o.kacf ? 0x10 : 0) | ((o.containerNgKsi ?? nas.ngKsi) & 0x0f), dl);
  if (o.corruptMac) nasc[0] ^= 0x01;
  trace.add('source AMF', `Handover Required (N2): DL NAS COUNT ${dl} for the handover, then + 1`, { kamf: src.kamf, dlCount: dl }, { to: 'target AMF', clause: 'TS 33.501 6.9.2.3.3' });
  trace.add('target AMF', o.kacf ? "KACF = 1: KAMF′ = A.13(KAMF, DIRECTION 0x01, DL NAS COUNT) keeps the ngKSI of KAMF; COUNTs 0, DL + 1 after the NASC; temporary KgNB = A.9(KAMF′, 2^32−1)"
    : 'KACF = 0: keeps KAMF and the NAS COUNTs', { kamf: nas.kamf, ngKsi: nas.ngKsi, knasint: nas.knasint, kgnb, nasc, sqn: dl & 0xff },
  { to: 'UE', clause: o.kacf ? 'TS 33.501 6.9.2.3.3, A.13, A.9' : 'TS 33.501 6.9.2.3.3' });
  if (o.corruptMac) trace.add('target AMF', '(fault injected: NAS-MAC of the container corrupted)', {});
  if (o.containerNgKsi !== undefined && o.containerNgKsi !== nas.ngKsi) trace.add('target AMF', `(fault injected: the container names ngKSI ${o.containerNgKsi})`, {});
  return { nas, nasc, dlCount: dl, kacf: o.kacf, kgnb };
}
