/**
 * 5G ↔ EPS interworking keys end to end (TS 33.501 8.2–8.6, A.14, A.15): a UE registered at an
 * AMF (5G AKA + SMC) moves to EPS in idle mode (TAU protected with the 5G context, K′ASME A.14.1)
 * or by handover (A.14.2 with the 8-LSB DL COUNT estimate, KeNB with 2^32−1, NH NCC 2); back to
 * 5GS it first moves to EPS in idle mode, then returns in idle mode (K′AMF A.15.1, mapped context
 * activated by an SMC) or by handover (K′AMF A.15.2 with NH, NASC MAC with COUNT 2^32−1, after
 * which an SMC with the native ngKSI makes the non-current native context current again).
 */
import { toHex } from '../hex.js';
import { Amf } from '../network/amf.js';
import { InterworkingMme, TSC_MAPPED } from '../network/mme.js';
import { NO_COUNT } from '../types.js';
import { ref } from '../reference/kdf.js';
import * as M from '../nas/messages.js';
import * as E from '../nas/eps.js';
import { mappedEpsGuti } from '../nas/identity.js';
import { World, guti, authLabel, type AuthOptions, type ScenarioOptions } from './setup.js';
import type { TraceStep } from '../trace.js';

export type InterworkingTarget = 'eps' | '5gs';
export type InterworkingMode = 'idle' | 'ho';
export interface InterworkingOptions extends ScenarioOptions { to: InterworkingTarget; mode: InterworkingMode; /** reproducible RANDs */ seed?: number }

/** Keys one side holds after the procedure (hex; null where the procedure defines none). */
export interface IwKeys {
  kasmePrime: string | null; knasEnc: string | null; knasInt: string | null; kenb: string | null; nh: string | null;
  kamfPrime: string | null; kgnb: string | null; ksi: number;
}

export interface InterworkingSummary {
  to: InterworkingTarget; mode: InterworkingMode;
  kamf: string;                 // the native KAMF of the initial registration
  /** The NAS COUNT that went into the key on the network side: UL (A.14.1), DL (A.14.2), UL EPS
   *  (A.15.1); null for A.15.2 (NH instead of a COUNT). */
  count: number | null;
  countLsb8: number | null;     // 5G→EPS HO: the 8 LSB in the HO command
  ueCountEstimate: number | null;
  ue: IwKeys; network: IwKeys;
  agree: boolean;
  slots: { current: string; nonCurrent: string; mapped: string };
  deletionRules: string[];
  /** Primary authentication method of every authentication in the run (TS 33.501 6.1.3). */
  auth: string;
}

export interface InterworkingRun { summary: InterworkingSummary; trace: TraceStep[]; text: string }

const GUTI = guti(0x01, 0x00000401);
/** EPS selected NAS algorithms of the SMC (World.securityModeCommand: 0x22 = EEA2/EIA2). */
const EPS_ALGS = 0x22;
const hx = (b: Uint8Array | null | undefined) => (b ? toHex(b) : null);
const none: Omit<IwKeys, 'ksi'> = { kasmePrime: null, knasEnc: null, knasInt: null, kenb: null, nh: null, kamfPrime: null, kgnb: null };

/** The plain EPS TRACKING AREA UPDATE REQUEST of 5GS → EPS idle mobility (TS 24.301 8.2.29,
 *  4.4.2.3): NAS key set identifier = the ngKSI value of the current 5G context, TSC mapped; old
 *  GUTI = the GUTI mapped from the 5G-GUTI (TS 23.003 2.10.2.1.2), Old GUTI type "mapped". */
export function tauRequest(ngKsi: number, fiveGGuti: Uint8Array): Uint8Array {
  return E.tauRequest({ ksi: TSC_MAPPED | (ngKsi & 7), oldGuti: mappedEpsGuti(fiveGGuti), mappedGuti: true });
}

/** Run one 5G ↔ EPS transition (`to`, `mode`) from a UE registered in 5GS; summary and trace. */
export function runInterworking(o: InterworkingOptions): InterworkingRun {
  const w = new World(o.seed, o);
  const amf = new Amf('AMF', w.trace);
  const mme = new InterworkingMme(w.trace);
  w.initialRegistration(amf, GUTI, 1);
  const ctx = amf.find(GUTI)!;
  const native = w.ue.context('current');
  if (toHex(native.kamf) !== toHex(ctx.nas.kamf)) throw new Error('UE and AMF do not share a KAMF after the initial registration');
  const rules: string[] = [];
  let count: number | null = null, lsb8: number | null = null, estimate: number | null = null;
  let ue: IwKeys, net: IwKeys;

  if (o.to === 'eps' && o.mode === 'ho') {
    // ---- 5G → EPS handover (8.3.2)
    const n = mme.handoverFrom5g(ctx, EPS_ALGS);
    count = n.dlCount5g; lsb8 = n.dlLsb8;
    w.trace.add('AMF', 'HO command (via the gNB) with the 8 LSB of the DL NAS COUNT', { dlLsb8: lsb8 }, { to: 'UE', clause: 'TS 33.501 8.3.2' });
    const u = w.ue.epsMapHo(lsb8);
    estimate = u.count;
    w.trace.add('UE', 'Estimates the DL NAS COUNT from 8 LSB (above the last accepted; becomes its 5G DL COUNT); K′ASME, KeNB, NH (NCC 2)',
      { dlCount: u.count, kasmePrime: u.kasmePrime, knasEnc: u.knasEnc, knasInt: u.knasInt, kenb: u.kenb, nh: u.nh }, { clause: 'TS 33.501 8.3.2, A.14.2' });
    ue = { ...none, kasmePrime: hx(u.kasmePrime), knasEnc: hx(u.knasEnc), knasInt: hx(u.knasInt), kenb: hx(u.kenb), nh: hx(u.nh), ksi: u.eKsi };
    net = { ...none, kasmePrime: hx(n.kasme), knasEnc: hx(n.knasEnc), knasInt: hx(n.knasInt), kenb: hx(n.kenb), nh: hx(n.nh), ksi: n.eKsi };
    rules.push(`UE 5G DL NAS COUNT set to the estimate ${u.count} (TS 33.501 8.3.2): ${w.ue.context('current').dlCount['3gpp'] === u.count}`);
    rules.push(...afterTauToEps(w));
  } else {
    // ---- 5G → EPS idle mobility (8.5.2, 8.6.1): TAU protected with the 5G context
    const tau = tauRequest(native.ngKsi & 7, GUTI);
    const u = w.ue.epsMapIdle(tau);
    w.trace.add('UE', 'TRACKING AREA UPDATE REQUEST (NAS-EPS, old GUTI mapped from the 5G-GUTI) integrity protected with the current 5G context; K′ASME = A.14.1(KAMF, its UL NAS COUNT); EPS NAS keys',
      { ulCount: u.count, eKsi: u.eKsi, mappedGuti: mappedEpsGuti(GUTI), kasmePrime: u.kasmePrime, knasEnc: u.knasEnc, knasInt: u.knasInt },
      { to: 'MME', clause: 'TS 33.501 8.6.1, A.14.1; TS 24.301 4.4.2.3, 9.1; TS 23.003 2.10.2.1.2', message: u.message });
    w.trace.add('MME', 'Context Request with the TAU Request', {}, { to: 'AMF', clause: 'TS 23.502 4.11.1.3.2' });
    const n = mme.tauFrom5g(ctx, u.message, EPS_ALGS);
    if (!n) throw new Error('the AMF could not verify the TAU Request');
    w.trace.add('MME', 'TRACKING AREA UPDATE ACCEPT (protected with the mapped EPS context)', {}, { to: 'UE' });
    rules.push(...afterTauToEps(w));
    if (o.to === 'eps') {
      count = n.ulCountTau;
      ue = { ...none, kasmePrime: hx(u.kasmePrime), knasEnc: hx(u.knasEnc), knasInt: hx(u.knasInt), ksi: u.eKsi };
      net = { ...none, kasmePrime: hx(n.kasme), knasEnc: hx(n.knasEnc), knasInt: hx(n.knasInt), ksi: n.eKsi };
    } else {
      // The UE's EPS context: K′ASME, eKSI, EPS COUNTs; it uses EPS for a while (UL EPS COUNT grows)
      const ueEps = { kasme: u.kasmePrime, eKsi: u.eKsi };
      const ulEps = n.ulCount + 2;
      w.trace.add('UE', 'In EPS: two more uplink EPS NAS messages', { ulEpsCount: ulEps });
      if (o.mode === 'idle') ({ ue, net, count } = idleTo5g(w, new Amf('target AMF', w.trace), mme, ueEps, ulEps, rules)); // an AMF without the UE's 5G context
      else ({ ue, net } = hoTo5g(w, amf, ctx, mme, ueEps, ulEps, rules));
    }
  }

  const agree = JSON.stringify(ue) === JSON.stringify(net);
  w.trace.add('UE', `Result: UE and network ${agree ? 'derived identical keys' : 'DERIVED DIFFERENT KEYS'}`, {});
  const slots = { current: w.ue.context('current').type, nonCurrent: w.ue.context('non-current').type, mapped: w.ue.context('mapped').type };
  const summary: InterworkingSummary = {
    to: o.to, mode: o.mode, kamf: toHex(native.kamf), count, countLsb8: lsb8, ueCountEstimate: estimate, ue, network: net, agree, slots, deletionRules: rules,
    auth: authLabel(o),
  };
  return { summary, trace: w.trace.steps, text: w.trace.render() };
}

/** After a successful TAU (or handover) to EPS the UE deletes any mapped 5G context (TS 33.501
 *  8.5.2; TS 24.501 4.4.2.x); the native 5G context is kept for the return to 5GS. */
function afterTauToEps(w: World): string[] {
  const { hadMapped, nativeKept } = w.ue.enteredEps();
  return [`mapped 5G context deleted after the move to EPS (8.5.2): true${hadMapped ? ' (one was present)' : ' (none was present)'}`, `native 5G context kept for the return: ${nativeKept}`];
}

type UeEps = { kasme: Uint8Array; eKsi: number };

/** EPS → 5G idle (8.2, 8.6.2): the Registration Request carries the ngKSI of the current 5G
 *  context and is integrity protected with it (unprotected with ngKSI 111 when the UE has none);
 *  the AMF it reaches holds no 5G context for the UE, so it treats the request as unprotected and
 *  derives the mapped context from the MME's (K′AMF = A.15.1 with the TAU's UL EPS COUNT); an SMC
 *  with the mapped ngKSI activates it on both sides. (An AMF that holds the native context and
 *  verifies the request keeps using that one instead, 8.2; not this run.) */
function idleTo5g(w: World, amf: Amf, mme: InterworkingMme, eps: UeEps, ulEps: number, rules: string[]) {
  const before = w.ue.context('current');
  const has = before.type === 'full-native' || before.type === 'mapped';
  const ngKsi = has ? before.ngKsi : M.NGKSI_NO_KEY;
  const rr = w.ue.fw.registrationRequest(M.registrationRequest({ type: M.REG_TYPE.MOBILITY_UPDATING, ngKsi, identity: GUTI, ueSecurityCapabilities: w.ue.caps }));
  w.trace.add('UE', `REGISTRATION REQUEST (mobility registration updating, TAU inside) with the ngKSI of the context protecting it${rr.count === null ? ', unprotected' : ', integrity protected'}`,
    { ulCountRegistrationRequest: rr.count, ngKsi, kamf: has ? before.kamf : null, identity: GUTI, ulEpsCount: ulEps }, { to: amf.name, clause: 'TS 33.501 8.2', message: rr.message });
  rules.push(`Registration Request ngKSI ${ngKsi} = ngKSI of the context that protected it (TS 33.501 8.2): ${rr.count === null ? ngKsi === M.NGKSI_NO_KEY : ngKsi === before.ngKsi}`);
  w.ue.epsTo5gIdle({ kasme: eps.kasme, eKsi: eps.eKsi, ulEpsCount: ulEps });
  const m = w.ue.context('mapped');
  w.trace.add('UE', 'K′AMF = A.15.1(KASME, UL EPS NAS COUNT of the TAU) into the MAPPED slot', { ulEpsCount: ulEps, kamfPrime: m.kamf, ngKsi: m.ngKsi },
    { clause: 'TS 33.501 8.6.2, A.15.1' });
  w.trace.add(amf.name, 'No 5G context for the UE\'s 5G-GUTI here: the Registration Request is treated as unprotected; mapped context from the MME', {}, { clause: 'TS 33.501 8.2' });
  const nas = mme.contextTo5gIdle(ulEps);
  const r = w.ue.fw.securityModeCommand(w.securityModeCommand(amf, nas));
  const cur = w.ue.context('current');
  const complete = r.result === 'complete' ? nas.verifyUplink(r.response) : null;
  const verified = complete !== null;
  w.trace.add('UE', `SECURITY MODE COMMAND with the mapped ngKSI: ${r.result === 'complete' ? 'mapped context activated (current), COUNTs from 0' : `REJECT #${r.cause}`}`,
    { kamf: cur.kamf, ngKsi: cur.ngKsi, knasint: cur.knasint, kgnb: cur.kgnb, smcComplete: verified }, { clause: 'TS 33.501 8.6.2, TS 24.501 5.4.2.3' });
  const acc = nas.protectDownlink(2, M.registrationAccept({ guti: GUTI }));
  w.ue.downlink(acc.message);
  w.ue.fw.registrationComplete(true);
  mme.release();
  const after = { current: w.ue.context('current').type, nonCurrent: w.ue.context('non-current').type, mapped: w.ue.context('mapped').type };
  rules.push(`mapped 5G context activated by the SMC with ngKSI ${nas.ngKsi} (TSC mapped): current = ${after.current}`,
    `MAPPED slot emptied once taken into use: ${after.mapped === 'none'}`,
    `native 5G context after the registration completed: ${after.nonCurrent === 'none' ? 'deleted (firmware: kept as non-current until the registration completed, then wiped)' : after.nonCurrent}`);
  const ueKeys: IwKeys = { ...none, kamfPrime: hx(cur.kamf), knasInt: hx(cur.knasint), knasEnc: hx(cur.knasenc), kgnb: hx(cur.kgnb), ksi: cur.ngKsi };
  const net: IwKeys = { ...none, kamfPrime: hx(nas.kamf), knasInt: hx(nas.knasint), knasEnc: hx(nas.knasenc), kgnb: complete ? hx(ref.kgnb(nas.kamf, complete.count, 1)) : null, ksi: nas.ngKsi };
  return { ue: ueKeys, net, count: ulEps };
}

/** EPS → 5G handover (8.4): K′AMF = A.15.2(KASME, NH) on both sides, NASC verified with COUNT
 *  2^32−1, mapped context current, native non-current; then an SMC naming the native ngKSI makes
 *  the native context current again and the mapped one is deleted (TS 24.501 5.4.2.3). */
function hoTo5g(w: World, amf: Amf, ctx: NonNullable<ReturnType<Amf['find']>>, mme: InterworkingMme, eps: UeEps, ulEps: number, rules: string[]) {
  const as = mme.epsAsKeys(ulEps);
  const { kenb: ueKenb, nh: ueNh } = w.ue.epsAsKeys(eps.kasme, ulEps);
  w.trace.add('UE', 'EPS AS keys (connected in E-UTRAN): KeNB, NH (NCC 1)', { kenb: ueKenb, nh: ueNh }, { clause: 'TS 33.401 A.3, A.4' });
  w.trace.add('MME', 'Forward Relocation Request: KASME, NH, NCC, eKSI', { ncc: as.ncc }, { to: 'target AMF', clause: 'TS 33.501 8.4' });
  const t = mme.handoverTo5g();
  w.ue.epsTo5gHo({ kasme: eps.kasme, nh: ueNh, nasc: t.nasc });
  const cur = w.ue.context('current'), nc = w.ue.context('non-current');
  w.trace.add('UE', 'NASC verified; K′AMF = A.15.2(KASME, NH); mapped context current, native non-current; temporary KgNB = A.9(K′AMF, 2^32−1)',
    { kamfPrime: cur.kamf, ngKsi: cur.ngKsi, knasint: cur.knasint, kgnb: cur.kgnb, nonCurrentKamf: nc.kamf }, { clause: 'TS 33.501 8.4, A.15.2, A.9' });
  const ueKeys: IwKeys = { ...none, kamfPrime: hx(cur.kamf), knasInt: hx(cur.knasint), knasEnc: hx(cur.knasenc), kgnb: hx(cur.kgnb), nh: hx(ueNh), ksi: cur.ngKsi };
  const net: IwKeys = { ...none, kamfPrime: hx(t.nas.kamf), knasInt: hx(t.nas.knasint), knasEnc: hx(t.nas.knasenc), kgnb: hx(ref.kgnb(t.nas.kamf, NO_COUNT, 1)), nh: hx(as.nh), ksi: t.nas.ngKsi };
  rules.push(`after the handover: current = ${cur.type}, non-current = ${nc.type} (the native context moved to NON_CURRENT, 8.4)`);
  // ---- The AMF takes the native context back into use with an SMC naming the native ngKSI
  const r = w.ue.fw.securityModeCommand(w.securityModeCommand(amf, ctx.nas));
  const verified = r.result === 'complete' && ctx.nas.verifyUplink(r.response) !== null;
  const after = { current: w.ue.context('current'), mapped: w.ue.context('mapped').type, nonCurrent: w.ue.context('non-current').type };
  const back = toHex(after.current.kamf) === toHex(ctx.nas.kamf);
  w.trace.add('UE', `SECURITY MODE COMMAND with the native ngKSI ${ctx.nas.ngKsi}: ${back ? 'the non-current native context becomes current; the mapped one is deleted' : 'native context NOT restored'}`,
    { kamf: after.current.kamf, smcComplete: verified }, { clause: 'TS 24.501 5.4.2.3, TS 33.501 8.4' });
  rules.push(`non-current native 5G context becomes current when an SMC names its ngKSI (TS 24.501 5.4.2.3): ${back && verified}`,
    `mapped 5G context deleted when the native one is activated: ${after.nonCurrent === 'none' && after.current.type === 'full-native'}`);
  mme.release();
  return { ue: ueKeys, net };
}
