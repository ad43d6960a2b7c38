/**
 * The system simulator (SS) of the conformance runner: it plays the network towards one UE — the
 * device model (ME firmware, USIM module, ME NVM) behind the 5GMM handling of host/ue/ue-nas.ts —
 * message by message. Every network message is built here (host/nas/messages.ts builders or bytes
 * directly), every key and MAC the SS needs comes from the node:crypto models (host/reference,
 * host/network/nas-security.ts), never from the UE firmware: the SS's expected values are
 * independent of the code under test. TS 38.508-1 4.7.1 defaults: ABBA 0x0000, a native ngKSI
 * differing from the UE's, 5GMM messages unprotected before the SMC and protected after it.
 */
import { MemoryMedium, AtomicStore } from '../storage/atomic-store.js';
import { MeStorage, ME_IMAGE_TYPE } from '../ue/me-storage.js';
import { Usim } from '../usim/usim.js';
import { UeDevice } from '../ue/ue-device.js';
import { UeNas, type UeReaction } from '../ue/ue-nas.js';
import { NetworkNasContext } from '../network/nas-security.js';
import { generateAuthVector, sqnBytes } from '../reference/milenage.js';
import { ref } from '../reference/kdf.js';
import { servingNetworkName } from '../ue/ue-aka.js';
import { SUBSCRIBER, PLMN } from '../scenarios/setup.js';
import { Trace } from '../trace.js';
import { toHex } from '../hex.js';
import * as M from '../nas/messages.js';
import { variantOf, type Variant } from '../firmware/variant.js';

/** A check of the Then that did not hold: the TP fails with this text. */
export class Fail extends Error {}
export function check(cond: unknown, what: string): asserts cond { if (!cond) throw new Fail(what); }
export const same = (a: Uint8Array | null | undefined, b: Uint8Array | null | undefined) => !!a && !!b && a.length === b.length && a.every((x, i) => x === b[i]);

/** One 5G AKA challenge as the SS's AuC builds it (MILENAGE of host/reference, node:crypto). */
export interface Challenge {
  ngKsi: number; rand: Uint8Array; autn: Uint8Array; sqn: Uint8Array; abba: Uint8Array;
  /** Expected values: RES*, KAUSF, KSEAF, KAMF (TS 33.501 A.4, A.2, A.6, A.7 via the reference KDF). */
  resStar: Uint8Array; kausf: Uint8Array; kseaf: Uint8Array; kamf: Uint8Array; res: Uint8Array; ck: Uint8Array; ik: Uint8Array;
}

/** What the SS decoded from a message the UE sent. */
export interface Uplink { sht: number; plain: Uint8Array; count: number | null; macOk: boolean }

export const SS_GUTI = M.encodeGuti({ plmn: PLMN, amfRegionId: 0x01, amfSetId: 1, amfPointer: 1, tmsi: 0x00001001 });
export const SS_GUTI_2 = M.encodeGuti({ plmn: PLMN, amfRegionId: 0x01, amfSetId: 1, amfPointer: 1, tmsi: 0x00002002 });

export interface SsOptions {
  /** EF UST services of the test USIM (default [122, 123]: EF 5GS3GPPNSC… and EF 5GAUTHKEYS on
   *  the card); [] puts the NAS context and KAUSF/KSEAF in ME NVM. */
  services?: readonly number[];
  /** UE security capabilities the UE is configured with (default 5G-EA0–3, 5G-IA0–3). */
  caps?: Uint8Array;
  /** Firmware build of the UE and its USIM: 'fast' | 'small' (host/firmware/variant.ts; default the
   *  process-wide default). `build`, as in the scenarios' options. */
  build?: Variant;
}

export class SystemSimulator {
  readonly trace = new Trace();
  readonly snn = servingNetworkName(SUBSCRIBER.mcc, SUBSCRIBER.mnc);
  usimMedium = new MemoryMedium(8192);
  readonly meMedium = new MemoryMedium(8192);
  ue!: UeDevice;
  nas!: UeNas;
  /** The SS's current NAS security context (null before an SMC). */
  net: NetworkNasContext | null = null;
  /** SEQ of the SS's AuC (TS 33.102 C.1.1): SQN = SEQ ‖ IND (5 bits). */
  private seq = 0n;
  private ind = 0;
  /** Every message the UE sent, in order (as sent). */
  readonly uplink: Uint8Array[] = [];
  /** Every message the SS sent to the UE, in order (as sent). */
  readonly downlink: Uint8Array[] = [];

  /** The firmware build the UE and its USIM run. */
  readonly build: Variant;

  constructor(readonly opts: SsOptions = {}) {
    this.build = variantOf({ variant: opts.build }, 'build');
    Usim.create(this.usimMedium, { supi: SUBSCRIBER.supi, k: SUBSCRIBER.k, opc: SUBSCRIBER.opc, services: opts.services ?? [122, 123], variant: this.build }).powerOff();
    this.powerOn();
  }

  /** Switch the UE on with the card and ME NVM of this SS (RAM starts empty). */
  powerOn(): void {
    const usim = Usim.open(this.usimMedium, { variant: this.build });
    const me = MeStorage.open(AtomicStore.open(this.meMedium, { type: ME_IMAGE_TYPE }));
    this.ue = new UeDevice(usim, me, this.trace, this.snn, this.opts.caps, { variant: this.build });
    this.ue.mncDigits = SUBSCRIBER.mnc.length;
    this.ue.powerOn();
    this.nas = new UeNas(this.ue);
    // what the UE sends by itself (not as a reply) is recorded too
    const nas = this.nas, up = this.uplink;
    const dereg = nas.deregister.bind(nas), sr = nas.serviceRequest.bind(nas), rm = nas.usimRemoved.bind(nas), tf = nas.transmissionFailure.bind(nas);
    nas.deregister = (switchOff) => { const m = dereg(switchOff); up.push(m); return m; };
    nas.serviceRequest = (t) => { const r = sr(t); up.push(r.message); return r; };
    nas.usimRemoved = () => { const m = rm(); up.push(m); return m; };
    nas.transmissionFailure = (t) => { const m = tf(t); if (m) up.push(m); return m; };
  }

  /** Put another USIM (subscriber `supi`, same K/OPc) in the UE while it is off; the next
   *  powerOn() uses it. */
  swapUsim(supi: string, services?: readonly number[]): void {
    this.usimMedium = new MemoryMedium(8192);
    Usim.create(this.usimMedium, { supi, k: SUBSCRIBER.k, opc: SUBSCRIBER.opc, services: services ?? this.opts.services ?? [122, 123], variant: this.build }).powerOff();
  }

  // ---------------------------------------------------------------- messages from the SS

  /** A 5G AKA challenge for the subscriber (fresh SQN unless `sqn` is given; `amf` default 8000). */
  challenge(ngKsi: number, o: { sqn?: bigint; amf?: Uint8Array; corruptMac?: boolean; abba?: Uint8Array } = {}): Challenge {
    let sqnV: bigint;
    if (o.sqn !== undefined) sqnV = o.sqn;
    else { this.seq += 1n; sqnV = (this.seq << 5n) | BigInt(this.ind); this.ind = (this.ind + 1) % 32; }
    const sqn = sqnBytes(sqnV), amf = o.amf ?? Uint8Array.of(0x80, 0x00), abba = o.abba ?? Uint8Array.of(0, 0);
    const rand = Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + Number(sqnV & 0xffn) + ngKsi) & 0xff);
    const av = generateAuthVector(SUBSCRIBER.k, SUBSCRIBER.opc, rand, sqn, amf);
    if (o.corruptMac) av.autn[15] ^= 0x01;
    const sqnXorAk = av.autn.slice(0, 6);
    const kausf = ref.kausf(av.ck, av.ik, this.snn, sqnXorAk);
    const kseaf = ref.kseaf(kausf, this.snn);
    return { ngKsi, rand, autn: av.autn, sqn, abba, resStar: ref.resStar(av.ck, av.ik, this.snn, rand, av.xres), kausf, kseaf,
      kamf: ref.kamf(kseaf, SUBSCRIBER.supi, abba), res: av.xres, ck: av.ck, ik: av.ik };
  }

  authenticationRequest(c: Challenge): Uint8Array {
    return M.authenticationRequest({ ngKsi: c.ngKsi, abba: c.abba, rand: c.rand, autn: c.autn });
  }

  /** AUTHENTICATION REQUEST for EAP-based primary authentication (TS 24.501 8.2.1): ngKSI, ABBA,
   *  EAP message (78, TLV-E) — e.g. EAP-Request/AKA′-Identity or -Challenge. */
  eapAuthenticationRequest(ngKsi: number, eap: Uint8Array, abba: Uint8Array = Uint8Array.of(0, 0)): Uint8Array {
    return Uint8Array.of(0x7e, 0x00, M.MT.AUTHENTICATION_REQUEST, ngKsi & 0x0f, abba.length, ...abba, 0x78, eap.length >> 8, eap.length & 0xff, ...eap);
  }

  /** AUTHENTICATION RESULT (TS 24.501 8.2.3): ngKSI, EAP message (LV-E), ABBA (38, TLV) optional. */
  authenticationResult(ngKsi: number, eap: Uint8Array, abba?: Uint8Array): Uint8Array {
    return Uint8Array.of(0x7e, 0x00, 0x5a, ngKsi & 0x0f, eap.length >> 8, eap.length & 0xff, ...eap, ...(abba ? [0x38, abba.length, ...abba] : []));
  }

  /** SECURITY MODE COMMAND protected with `nas` (header type 3, new context, TS 24.501 4.4.5). */
  smc(nas: NetworkNasContext, o: { caps?: Uint8Array; imeisv?: boolean; hdp?: boolean; rinmr?: boolean; ngKsi?: number; corruptMac?: boolean; epsAlgs?: number; eapMessage?: Uint8Array } = {}): Uint8Array {
    const base = M.securityModeCommand({ nea: nas.nea, nia: nas.nia, ngKsi: o.ngKsi ?? nas.ngKsi, replayedCaps: o.caps ?? this.ue.caps,
      imeisvRequest: o.imeisv ?? false, hdp: o.hdp, rinmr: o.rinmr, epsAlgs: o.epsAlgs });
    // EAP message IE (78, TLV-E): the EAP-Success of EAP-AKA′ inside the SMC (TS 38.508-1 4.9.8)
    const e = o.eapMessage;
    const plain = e ? Uint8Array.of(...base, 0x78, e.length >> 8, e.length & 0xff, ...e) : base;
    const m = nas.protectDownlink(3, plain).message;
    if (o.corruptMac) m[2] ^= 0x01;
    return m;
  }

  /** A downlink message protected with the SS's current context (header type 2 by default). */
  protect(plain: Uint8Array, sht: 1 | 2 = 2): Uint8Array {
    check(this.net, 'SS: no NAS security context to protect with');
    return this.net.protectDownlink(sht, plain).message;
  }

  /** Send a message to the UE; record what it sent back. */
  send(message: Uint8Array): UeReaction {
    this.downlink.push(message.slice());
    const r = this.nas.receive(message);
    if (r.sent) this.uplink.push(r.sent);
    return r;
  }

  /** The UE sends a REGISTRATION REQUEST (initial by default). */
  ueRegister(type: number = M.REG_TYPE.INITIAL): Uint8Array {
    const m = this.nas.register(type);
    this.uplink.push(m);
    return m;
  }

  // ---------------------------------------------------------------- checks on what the UE sent

  /** Decode an uplink message: plain, or protected — MAC verified by the SS's node:crypto model at
   *  the COUNT it estimates (with `ctx`, default the SS's current context), deciphered. */
  decode(m: Uint8Array | null, ctx: NetworkNasContext | null = this.net): Uplink {
    check(m && m.length >= 3, 'the UE sent nothing');
    const sht = m[1] & 0x0f;
    if (sht === 0) return { sht, plain: m, count: null, macOk: false };
    check(ctx, `the UE sent a protected message (header type ${sht}) but the SS has no context to verify it`);
    const v = ctx.verifyUplink(m);
    check(v, `MAC of the UE's message (header type ${sht}) does not verify with the SS's KNASint`);
    return { sht, plain: v.plain, count: v.count, macOk: true };
  }

  /** Message type name of a plain 5GMM message. */
  static mtName(plain: Uint8Array): string { return M.MT_NAMES[plain[2]] ?? `message type 0x${plain[2].toString(16)}`; }

  /**
   * Run the TS 38.508-1 generic registration: REGISTRATION REQUEST, 5G AKA (challenge built here),
   * SECURITY MODE COMMAND (128-NEA2/NIA2, IMEISV requested), REGISTRATION ACCEPT with a 5G-GUTI,
   * REGISTRATION COMPLETE. Each step is checked; returns the challenge used.
   */
  /** Preamble up to a secure exchange (TS 24.501 4.4.4.3): REGISTRATION REQUEST, 5G AKA with
   *  `ngKsi`, SMC with 128-NEA2/128-NIA2 completed; the SS then protects with that context (no
   *  REGISTRATION ACCEPT yet). */
  secure(ngKsi = 1): Challenge {
    this.ueRegister(M.REG_TYPE.INITIAL);
    const c = this.challenge(ngKsi);
    this.send(this.authenticationRequest(c));
    const nas = new NetworkNasContext(c.kamf, ngKsi, 2, 2);
    const comp = this.decode(this.send(this.smc(nas)).sent, nas);
    check(comp.plain[2] === M.MT.SECURITY_MODE_COMPLETE, `preamble: expected SECURITY MODE COMPLETE, got ${SystemSimulator.mtName(comp.plain)}`);
    this.net = nas;
    return c;
  }

  register(ngKsi = 1, guti: Uint8Array = SS_GUTI, algs: { nea: number; nia: number } = { nea: 2, nia: 2 }): Challenge {
    this.ueRegister(M.REG_TYPE.INITIAL);
    const c = this.challenge(ngKsi);
    const a = this.send(this.authenticationRequest(c));
    const resp = this.decode(a.sent, null);
    check(resp.plain[2] === M.MT.AUTHENTICATION_RESPONSE, `preamble: expected AUTHENTICATION RESPONSE, got ${SystemSimulator.mtName(resp.plain)}`);
    check(same(resp.plain.slice(5, 21), c.resStar), 'preamble: RES* differs from the SS\'s A.4 value');
    const nas = new NetworkNasContext(c.kamf, ngKsi, algs.nea, algs.nia);
    const s = this.send(this.smc(nas, { imeisv: true, epsAlgs: 0x22 }));
    const comp = this.decode(s.sent, nas);
    check(comp.plain[2] === M.MT.SECURITY_MODE_COMPLETE, `preamble: expected SECURITY MODE COMPLETE, got ${SystemSimulator.mtName(comp.plain)}`);
    this.net = nas;
    const acc = this.send(this.protect(M.registrationAccept({ guti })));
    const rc = this.decode(acc.sent);
    check(rc.plain[2] === M.MT.REGISTRATION_COMPLETE, 'preamble: expected REGISTRATION COMPLETE');
    check(this.nas.state === '5GMM-REGISTERED', 'preamble: UE not 5GMM-REGISTERED');
    return c;
  }

  /** The UE's USIM EF 5GS3GPPNSC record 1, or null (no EF). */
  nscRecord(): Uint8Array | null { return this.ue.usimNscBytes(); }
  /** EF 5GS3GPPLOCI bytes, or null. */
  loci(): Uint8Array | null { return this.ue.usimLociBytes(); }
  hex(b: Uint8Array | null | undefined): string { return b ? toHex(b) : '(none)'; }
}
