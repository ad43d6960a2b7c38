/**
 * Deciphering an N2 capture with the UE's own key chain. Per UE (tracked by its NGAP ids, and
 * across connections by the 5G-GUTI the network gave it): the USIM module checks each AUTN and
 * returns RES/CK/IK (or reports a MAC or synchronisation failure); the ME firmware derives KAUSF,
 * KSEAF, KAMF (TS 33.501 A.2, A.6, A.7; EAP-AKA′ 6.1.3.1), the NAS keys of the algorithms the
 * SECURITY MODE COMMAND selects (A.8) and KAMF′ = A.13(KAMF, 0x00, UL COUNT of the REGISTRATION
 * REQUEST) when the SMC signals HDP (6.9.3 with seed 000), or A.13(KAMF, 0x01, DL COUNT) after an
 * N2 handover NASC with KACF (6.9.2.3.3). Every protected message: COUNT estimated from its 8-bit
 * SQN (TS 24.501 4.4.3.1, overflow counted), NAS-MAC checked with 128-NIA1/2/3, payload deciphered
 * with 128-NEA1/2/3 (the firmware module's algorithms), whatever the MAC check said.
 */
import { UeFirmware } from '../firmware/ue-firmware.js';
import { nasCipher, nasMac } from '../firmware/nas-algorithms.js';
import { Usim } from '../usim/usim.js';
import { MemoryMedium } from '../storage/atomic-store.js';
import { parseAuthenticationRequest, parseAuthenticationResult } from '../nas/messages.js';
import { AT, EAP_CODE, SUBTYPE, attr, fixed16, parseEap } from '../nas/eap.js';
import { toHex } from '../hex.js';
import { gutiOf, identityOf, messageName, smcFields, snnOfPlmn, type MobileIdentity } from './nas-view.js';

export interface DecipherOptions {
  k: Uint8Array;
  op?: Uint8Array;
  opc?: Uint8Array;
  algo?: 'milenage' | 'tuak';
  supi?: string;
  snn?: string;
  /** SUCI profile A/B deconcealment (another module, wired at merge); undefined = not available. */
  deconceal?: (suci: Extract<MobileIdentity, { kind: 'suci' }>) => string | undefined;
}

export type MacVerdict = 'verified' | 'failed' | 'unverifiable';

/** One NAS message as the decipherer saw it (the --json line). */
export interface NasReport {
  frame: number;
  ue: number;
  direction: 'UL' | 'DL';
  count: number | null;
  securityHeaderType: number;
  algorithm: string | null;
  /** null for a plain message (security header type 0): it has no MAC. */
  mac: MacVerdict | null;
  messageType: string;
  plain: string | null;
  /** Why the MAC is unverifiable or the payload stayed ciphered, a COUNT gap or a duplicate. */
  notes?: string[];
}

interface Context { kamf: Uint8Array; ngKsi: number; nea: number; nia: number; knasenc: Uint8Array; knasint: Uint8Array; ul: number | null; dl: number | null; seen: { ul: Set<number>; dl: Set<number> } }

interface UeState {
  id: number;
  supi?: string;
  snn?: string;
  suciNote?: string;
  /** KAMF of each authentication run, by ngKSI, until an SMC takes it into use. */
  pending: Map<number, Uint8Array>;
  current: Context | null;
  /** The context before the last SMC or NASC: the UE goes back to it when a registration fails. */
  previous?: Context | null;
  candidate: Context | null;
  /** UL COUNT of the last REGISTRATION REQUEST protected with the current context (HDP, seed 000). */
  regReqCount: number | null;
  /** Keys of the native contexts by ngKSI (a later SMC may name one). */
  kamfs: Map<number, Uint8Array>;
  /** Why the current context is unknown after an SMC that could not be followed. */
  lost?: string;
}

export interface Summary {
  frames: number; nasMessages: number; plain: number; verified: number; failed: number; unverifiable: number;
  deciphered: number; undeciphered: number; reasons: Record<string, number>; ues: number; akaRuns: number; autnMacFailures: number;
  frameNotes: number; concealedSuci: string[];
  /** UE-associated N2 connections ended by a UEContextReleaseCommand or …Complete. */
  released: number;
}

const ALG = ['null', '128-NEA1', '128-NEA2', '128-NEA3'];
const ALGI = ['null', '128-NIA1', '128-NIA2', '128-NIA3'];

export type { UeState };

export class Decipherer {
  private readonly fw = new UeFirmware();
  private readonly usims = new Map<string, Usim>();
  private readonly ues: UeState[] = [];
  private readonly byConn = new Map<string, UeState>();
  private readonly byGuti = new Map<string, UeState>();
  readonly summary: Summary = { frames: 0, nasMessages: 0, plain: 0, verified: 0, failed: 0, unverifiable: 0, deciphered: 0, undeciphered: 0, reasons: {}, ues: 0, akaRuns: 0, autnMacFailures: 0, frameNotes: 0, concealedSuci: [], released: 0 };

  constructor(private readonly o: DecipherOptions) {}

  /** The UE of an N2 connection (`conn` names gNB, AMF and RAN-UE-NGAP-ID); a REGISTRATION
   *  REQUEST or SERVICE REQUEST with a known 5G-GUTI continues that UE's security state. */
  knows(conn: string): boolean { return this.byConn.has(conn); }

  ueFor(conn: string, firstPlain: Uint8Array | null, amfUeId?: number, amfConn?: string, force?: UeState): UeState {
    // An InitialUEMessage (firstPlain given) opens a new connection: a reused RAN-UE-NGAP-ID does not continue the old UE
    let ue = force ?? (firstPlain ? undefined : this.byConn.get(conn) ?? (amfUeId !== undefined && amfConn ? this.byConn.get(amfConn) : undefined));
    if (!ue && firstPlain) {
      const id = identityOf(firstPlain);
      if (id?.kind === 'guti') ue = this.byGuti.get(toHex(id.value));
    }
    if (!ue) {
      ue = { id: this.ues.length + 1, pending: new Map(), current: null, candidate: null, regReqCount: null, kamfs: new Map() };
      this.ues.push(ue);
      this.summary.ues = this.ues.length;
    }
    this.byConn.set(conn, ue);
    if (amfConn) this.byConn.set(amfConn, ue);
    return ue;
  }

  /** The end of a UE-associated N2 connection (UEContextReleaseCommand / …Complete, TS 38.413
   *  8.3.3): its NGAP ids (the pair, or the AMF-UE-NGAP-ID alone) stop naming the UE, since the gNB
   *  and the AMF may give them to another UE afterwards; the UE's security state stays, keyed by
   *  its 5G-GUTI, for its next InitialUEMessage (TS 24.501 5.3.1: the NAS security context
   *  outlives the N1 connection). The UE's connections through other AMFs (the target side of a
   *  handover) stay. Returns whether a connection was open under those ids. */
  release(gnb: string, amf: string, amfUeId: number | undefined, ranUeId: number | undefined): boolean {
    const amfConn = amfUeId !== undefined ? `${amf}|amf|${amfUeId}` : undefined;
    const ranConn = ranUeId !== undefined ? `${gnb}|${amf}|${ranUeId}` : undefined;
    const ue = (amfConn && this.byConn.get(amfConn)) || (ranConn && this.byConn.get(ranConn));
    if (!ue) return false;
    for (const [k, v] of this.byConn) if (v === ue && (k === amfConn || k.startsWith(`${gnb}|${amf}|`))) this.byConn.delete(k);
    this.summary.released++;
    return true;
  }

  private usim(supi: string): Usim {
    let u = this.usims.get(supi);
    if (!u) {
      u = Usim.create(new MemoryMedium(8192), { supi, k: this.o.k, op: this.o.op, opc: this.o.opc, algo: this.o.algo ?? 'milenage' });
      this.usims.set(supi, u);
    }
    return u;
  }

  private learnIdentity(ue: UeState, plain: Uint8Array): void {
    const id = identityOf(plain);
    if (!id) return;
    if (id.kind === 'suci') {
      ue.snn ??= snnOfPlmn(id.plmn);
      let supi = id.supi, why = '';
      try { supi ??= this.o.deconceal?.(id); } catch (e) { why = e instanceof Error ? e.message : 'not recovered'; }
      if (supi) ue.supi ??= supi;
      else if (!this.o.supi) {
        ue.suciNote = why ? `concealed SUCI (protection scheme ${id.scheme}): --hn-key did not recover the SUPI: ${why}` : `concealed SUCI (protection scheme ${id.scheme}): give --supi or --hn-key`;
        if (!this.summary.concealedSuci.includes(`UE ${ue.id}: ${ue.suciNote}`)) this.summary.concealedSuci.push(`UE ${ue.id}: ${ue.suciNote}`);
      }
    } else if (id.kind === 'guti') ue.snn ??= snnOfPlmn(id.plmn);
  }

  /** One NAS message of `ue` in `frame`. */
  nas(frame: number, ue: UeState, dir: 'UL' | 'DL', m: Uint8Array): NasReport {
    this.summary.nasMessages++;
    const r: NasReport = { frame, ue: ue.id, direction: dir, count: null, securityHeaderType: m.length > 1 ? m[1] & 15 : -1, algorithm: null, mac: null, messageType: '', plain: null };
    const note = (n: string) => (r.notes ??= []).push(n);
    if (m.length < 3 || m[0] !== 0x7e) {
      r.messageType = m.length && m[0] === 0x2e ? '5GSM message outside a 5GMM container' : 'not a 5GMM message';
      r.mac = null; r.plain = toHex(m); this.summary.plain++; return r;
    }
    const sht = m[1] & 15;
    if (sht === 0) {
      this.plainMessage(ue, dir, m, note);
      r.messageType = messageName(m); r.plain = toHex(m); this.summary.plain++;
      return r;
    }
    if (m.length < 7) { r.messageType = 'truncated security protected message'; this.verdict(r, 'unverifiable', 'shorter than a security header'); return r; }
    const sqn = m[6], macGot = m.subarray(2, 6), body = m.subarray(6);
    let ctx: Context | null = ue.current;
    let smcInner: Uint8Array | null = null;
    if (sht === 3 && dir === 'DL') {
      // SECURITY MODE COMMAND: integrity protected with the context it names, not yet in use
      smcInner = m.subarray(7);
      ctx = this.smcContext(ue, smcInner, note);
    } else if (sht === 4) ctx = ue.candidate ?? ue.current;
    const unknownKsi = this.unknownKsi;
    this.unknownKsi = false;
    // An SMC naming a ngKSI the UE has no KAMF for is rejected by the UE too (TS 24.501 5.4.2.5): it keeps its context
    if (!ctx && smcInner && !unknownKsi) {
      // the UE most likely took the SMC's context into use: what follows cannot be followed either
      ue.lost = `follows an SMC (frame ${frame}) whose context is unknown`;
      ue.current = null; ue.candidate = null;
    }
    if (!ctx) {
      const why = (!smcInner && ue.lost) || (ue.suciNote ?? (ue.supi || this.o.supi ? 'no security context: no AUTHENTICATION REQUEST or SMC for this UE in the capture before it' : 'SUPI unknown (no null-scheme SUCI or IDENTITY RESPONSE): give --supi'));
      r.messageType = sht === 2 || sht === 4 ? 'ciphered' : messageName(m.subarray(7));
      if (sht === 1 || sht === 3) { r.plain = toHex(m.subarray(7)); }
      this.verdict(r, 'unverifiable', why);
      if (sht === 2 || sht === 4) { this.summary.undeciphered++; this.reason(why); }
      return r;
    }
    const d = dir === 'UL' ? 0 : 1;
    let count = this.peekCount(ctx, dir, sqn);
    let macOk = ctx.nia === 0 ? null : Buffer.from(this.macOf(ctx, dir, count, body)).equals(Buffer.from(macGot));
    if (macOk === false && !smcInner && sht !== 4 && ue.previous && ue.previous !== ctx) {
      // A failed registration rolls the UE back to its previous context (seed 000, TS 33.501 6.9.3):
      // a message that fails with the current context but verifies with the previous one switches back
      const prev = ue.previous, c2 = this.peekCount(prev, dir, sqn);
      if (Buffer.from(this.macOf(prev, dir, c2, body)).equals(Buffer.from(macGot))) {
        note('verified with the previous context: the UE went back to it');
        ue.previous = ue.current; ue.current = prev; ctx = prev; count = c2; macOk = true;
      }
    }
    // TS 24.501 4.4.3.1 / 4.4.3.3: the receiver takes the estimated COUNT as its new value only
    // for a message whose MAC verifies; a forged or foreign message must not move the overflow
    // counter (it is still deciphered and reported, with the estimate)
    if (macOk !== false) this.commitCount(ctx, dir, count, note);
    else if (ctx.seen[dir === 'UL' ? 'ul' : 'dl'].has(count)) note(`duplicate ${dir} COUNT ${count}: retransmission or replay`);
    r.count = count;
    r.algorithm = `${ALG[ctx.nea]}/${ALGI[ctx.nia]}`;
    let plain: Uint8Array;
    if (sht === 2 || sht === 4) {
      plain = nasCipher(this.fw.module, { alg: ctx.nea, key: ctx.knasenc, count, bearer: 1, direction: d, message: m.subarray(7) });
      this.summary.deciphered++;
    } else plain = m.slice(7);
    if (macOk === null) this.verdict(r, 'unverifiable', '128-NIA0 (null integrity): no MAC to check');
    else this.verdict(r, macOk ? 'verified' : 'failed');
    r.plain = toHex(plain);
    r.messageType = messageName(plain);
    if (sht === 2 || sht === 4) if (plain[0] !== 0x7e && plain[0] !== 0x2e) note('deciphered payload is not a 5GS NAS message: wrong keys or algorithm?');
    // state changes the UE makes on this message
    if (smcInner && macOk) ue.candidate = ctx;
    if (sht === 4 && dir === 'UL' && macOk && ctx === ue.candidate) {
      if (ue.current !== ctx) ue.previous = ue.current;
      ue.current = ctx; ue.candidate = null; ue.kamfs.set(ctx.ngKsi, ctx.kamf); ue.pending.delete(ctx.ngKsi); ue.lost = undefined;
    }
    if (dir === 'UL' && plain[2] === 0x41 && plain[0] === 0x7e) { ue.regReqCount = count; this.learnIdentity(ue, plain); }
    if (dir === 'DL' && macOk !== false) { const g = gutiOf(plain); if (g) this.byGuti.set(toHex(g), ue); }
    return r;
  }

  private verdict(r: NasReport, v: MacVerdict, why?: string): void {
    r.mac = v;
    this.summary[v]++;
    if (why) { (r.notes ??= []).push(why); this.reason(why); }
  }
  private reason(why: string): void { this.summary.reasons[why] = (this.summary.reasons[why] ?? 0) + 1; }

  /** COUNT from the 8-bit SQN (TS 24.501 4.4.3.1): the overflow counter of the last COUNT, plus
   *  one when the SQN went back (wrap); the same COUNT twice is flagged (a retransmission or
   *  replay), a jump forward says how many messages the capture lacks. */
  private peekCount(ctx: Context, dir: 'UL' | 'DL', sqn: number): number {
    const key = dir === 'UL' ? 'ul' : 'dl';
    const last = ctx[key];
    let count = last === null ? sqn : (last & ~0xff) | sqn;
    // TS 24.501 4.4.3.1: an SQN below the last one means the overflow counter went up — unless it is
    // only a little below (a retransmission or reordering, within half the SQN space)
    if (last !== null && count < last && last - count >= 0x80) count += 0x100;
    return count;
  }

  private commitCount(ctx: Context, dir: 'UL' | 'DL', count: number, note: (s: string) => void): void {
    const key = dir === 'UL' ? 'ul' : 'dl';
    const last = ctx[key];
    if (ctx.seen[key].has(count)) note(`duplicate ${dir} COUNT ${count}: retransmission or replay`);
    else if (last !== null && count > last + 1) note(`${dir} COUNT gap: ${count - last - 1} message(s) missing before COUNT ${count}`);
    else if (last === null && count > 0) note(`first ${dir} COUNT seen is ${count}`);
    ctx.seen[key].add(count);
    if (ctx.seen[key].size > 512) ctx.seen[key].delete(ctx.seen[key].values().next().value!);
    if (last === null || count > last) ctx[key] = count;
  }

  private macOf(ctx: Context, dir: 'UL' | 'DL', count: number, body: Uint8Array): Uint8Array {
    return nasMac(this.fw.module, { alg: ctx.nia, key: ctx.knasint, count, bearer: 1, direction: dir === 'UL' ? 0 : 1, message: body });
  }

  private newContext(kamf: Uint8Array, ngKsi: number, nea: number, nia: number): Context {
    const { knasenc, knasint } = this.fw.keys.nasKeys({ kamf, nea, nia });
    return { kamf, ngKsi, nea, nia, knasenc, knasint, ul: null, dl: null, seen: { ul: new Set(), dl: new Set() } };
  }

  /** The context a SECURITY MODE COMMAND is protected with: KAMF′ from the current KAMF (HDP),
   *  the KAMF of the authentication run with its ngKSI, or a stored native context. */
  private smcContext(ue: UeState, inner: Uint8Array, note: (s: string) => void): Context | null {
    let f: ReturnType<typeof smcFields>;
    try { f = smcFields(inner); } catch (e) { note((e as Error).message); return null; }
    if (f.eap) this.eapSuccess(ue, f.eap, f.abba);
    const ksi = f.ngKsi & 7;
    if (f.ngKsi & 8) { note(`SMC names a mapped context (TSC 1, KSI ${ksi}): it comes from an EPS KASME this N2 capture does not carry`); return null; }
    if (f.hdp) {
      if (!ue.current) { note('SMC with HDP = 1 but no current context to derive KAMF′ from'); return null; }
      // seed 000: KAMF′ comes from "the current active KAMF identified by the received ngKSI". A UE
      // rejects an SMC whose ngKSI names no current KAMF; the decipherer still tries the current
      // one (it reports what is in the capture) and says so
      if (ue.current.ngKsi !== ksi) note(`SMC with HDP = 1 names ngKSI ${ksi}, but the current context has ngKSI ${ue.current.ngKsi} (a UE rejects it); KAMF′ tried from the current KAMF`);
      if (ue.regReqCount === null) { note('SMC with HDP = 1 but no protected REGISTRATION REQUEST seen: its UL COUNT is unknown'); return null; }
      // seed 000 / TS 33.501 6.9.3: KAMF′ = A.13(KAMF, direction 0x00, UL COUNT of the Registration Request)
      const kamf = this.fw.keys.kamfPrime({ kamf: ue.current.kamf, direction: 0, count: ue.regReqCount });
      return this.newContext(kamf, ksi, f.nea, f.nia);
    }
    const kamf = ue.pending.get(ksi) ?? ue.kamfs.get(ksi) ?? (ue.current && ue.current.ngKsi === ksi ? ue.current.kamf : undefined);
    if (!kamf) { note(`SMC names ngKSI ${ksi}, which no authentication in the capture gave this UE`); this.unknownKsi = true; return null; }
    const c = this.newContext(kamf, ksi, f.nea, f.nia);
    // NAS COUNTs belong to the KAMF (TS 33.501 6.4.5, 6.7.2): an SMC that keeps the current KAMF
    // and only changes the algorithms continues its COUNTs; only a new KAMF starts them at 0
    if (ue.current && Buffer.from(ue.current.kamf).equals(Buffer.from(kamf))) { c.ul = ue.current.ul; c.dl = ue.current.dl; c.seen = ue.current.seen; }
    return c;
  }

  private supiSnn(ue: UeState, note: (s: string) => void): { supi: string; snn: string } | null {
    const supi = this.o.supi ?? ue.supi;
    if (!supi) { note(ue.suciNote ?? 'SUPI unknown (no null-scheme SUCI or IDENTITY RESPONSE before the AKA): give --supi'); return null; }
    const snn = this.o.snn ?? ue.snn ?? snnOfPlmn(Uint8Array.of(((+supi[1]) << 4) | +supi[0], 0xf0 | +supi[2], ((+supi[4]) << 4) | +supi[3]));
    return { supi, snn };
  }

  private authenticate(supi: string, rand: Uint8Array, autn: Uint8Array, note: (s: string) => void) {
    this.summary.akaRuns++;
    const r = this.usim(supi).authenticate(rand, autn);
    if (r.kind === 'mac-failure') { this.summary.autnMacFailures++; note('USIM: AUTN MAC failure (wrong K/OPc, or not this subscriber)'); return null; }
    if (r.kind === 'sync-failure') { note('USIM: synchronisation failure (SQN not fresh): the UE answers with AUTS'); return null; }
    return r;
  }

  private plainMessage(ue: UeState, dir: 'UL' | 'DL', m: Uint8Array, note: (s: string) => void): void {
    const t = m[2];
    if (dir === 'UL' && (t === 0x41 || t === 0x5c)) { this.learnIdentity(ue, m); if (t === 0x41) ue.regReqCount = null; return; }
    if (dir === 'DL' && t === 0x56) {
      let p: ReturnType<typeof parseAuthenticationRequest>;
      try { p = parseAuthenticationRequest(m); } catch (e) { note((e as Error).message); return; }
      const id = this.supiSnn(ue, note);
      if (!id) return;
      if (p.rand && p.autn) {
        const r = this.authenticate(id.supi, p.rand, p.autn, note);
        if (!r) return;
        const kausf = this.fw.keys.kausf({ ck: r.ck, ik: r.ik, snn: id.snn, sqnXorAk: p.autn.subarray(0, 6) });
        const kseaf = this.fw.keys.kseaf({ kausf, snn: id.snn });
        ue.pending.set(p.ngKsi & 7, this.fw.keys.kamf({ kseaf, supi: id.supi, abba: p.abba }));
      } else if (p.eap) {
        let e;
        try { e = parseEap(p.eap); } catch (x) { note((x as Error).message); return; }
        if (e.code !== EAP_CODE.REQUEST || e.subtype !== SUBTYPE.CHALLENGE) return;
        let rand: Uint8Array, autn: Uint8Array;
        try { rand = fixed16(attr(e, AT.RAND), 'AT_RAND'); autn = fixed16(attr(e, AT.AUTN), 'AT_AUTN'); } catch (x) { note((x as Error).message); return; }
        const r = this.authenticate(id.supi, rand, autn, note);
        if (!r) return;
        // TS 33.501 6.1.3.1: KAUSF = EMSK[0..32) of EAP-AKA′ with the SUPI as identity (F.3)
        const k = this.fw.keys.eapAkaPrime({ ck: r.ck, ik: r.ik, snn: id.snn, sqnXorAk: autn.subarray(0, 6), identity: id.supi });
        this.eapKausf.set(ue, { kausf: k.kausf, ngKsi: p.ngKsi & 7, abba: p.abba, supi: id.supi, snn: id.snn });
      }
      return;
    }
    if (dir === 'DL' && t === 0x5a) { // AUTHENTICATION RESULT (TS 24.501 8.2.3): EAP message (LV-E), ABBA
      try { const r = parseAuthenticationResult(m); this.eapSuccess(ue, r.eap, r.abba); } catch (e) { note((e as Error).message); }
    }
  }

  private unknownKsi = false;
  private readonly eapKausf = new Map<UeState, { kausf: Uint8Array; ngKsi: number; abba: Uint8Array; supi: string; snn: string }>();

  /** EAP-Success → KSEAF = A.6(KAUSF), KAMF = A.7(KSEAF, SUPI, ABBA) (TS 33.501 6.1.3.1 steps 9–12). */
  private eapSuccess(ue: UeState, eap: Uint8Array, abba?: Uint8Array): void {
    const run = this.eapKausf.get(ue);
    if (!run || eap[0] !== EAP_CODE.SUCCESS) return;
    this.eapKausf.delete(ue);
    const kseaf = this.fw.keys.kseaf({ kausf: run.kausf, snn: run.snn });
    // the ngKSI of the run is the one its AUTHENTICATION REQUEST assigned (TS 24.501 5.4.1.2.2.3)
    ue.pending.set(run.ngKsi, this.fw.keys.kamf({ kseaf, supi: run.supi, abba: abba ?? run.abba }));
  }

  /** N2 handover: the NASC (TS 24.501 9.11.3.70 Intra N1 mode NAS transparent container: NAS-MAC,
   *  algorithms, KACF ‖ ngKSI, SQN) names the context; with KACF, KAMF′ = A.13(KAMF, 0x01, DL COUNT)
   *  (TS 33.501 6.9.2.3.3), COUNTs start at 0. Returns a report line. */
  nasc(frame: number, ue: UeState, c: Uint8Array): NasReport {
    const r: NasReport = { frame, ue: ue.id, direction: 'DL', count: null, securityHeaderType: -1, algorithm: null, mac: null, messageType: 'NASC (Intra N1 mode NAS transparent container)', plain: toHex(c) };
    this.summary.nasMessages++;
    if (c.length < 7 || !ue.current) { this.verdict(r, 'unverifiable', !ue.current ? 'NASC before any security context of this UE' : 'NASC shorter than 7 octets'); return r; }
    const cur = ue.current, kacf = (c[5] & 0x10) !== 0, nea = c[4] >> 4, nia = c[4] & 15;
    const dlCount = this.peekCount(cur, 'DL', c[6]);   // the source AMF's DL COUNT, spent on the handover
    r.count = dlCount;
    r.algorithm = `${ALG[nea]}/${ALGI[nia]}`;
    if ((c[5] & 15) !== cur.ngKsi) { this.verdict(r, 'unverifiable', `NASC names ngKSI ${c[5] & 15}, not the current context's ${cur.ngKsi}: the UE aborts the handover (TS 33.501 6.9.2.3.4)`); return r; }
    const kamf = kacf ? this.fw.keys.kamfPrime({ kamf: cur.kamf, direction: 1, count: dlCount }) : cur.kamf;
    const next = this.newContext(kamf, c[5] & 7, nea, nia);
    // The NAS-MAC covers the 24 bits after it, with the (new) KNASint, COUNT 2^32−1, bearer 1, downlink
    const want = nasMac(this.fw.module, { alg: nia, key: next.knasint, count: 0xffffffff, bearer: 1, direction: 1, message: c.subarray(4, 7), bits: 24 });
    const ok = nia === 0 ? null : Buffer.from(want).equals(Buffer.from(c.subarray(0, 4)));
    if (ok === null) this.verdict(r, 'unverifiable', '128-NIA0 (null integrity): no MAC to check');
    else this.verdict(r, ok ? 'verified' : 'failed');
    if (ok === false) return r; // the UE aborts the handover and keeps its context (TS 33.501 6.9.2.3.4)
    this.commitCount(cur, 'DL', dlCount, () => {}); // as for any message: taken into use only once the MAC verifies
    if (kacf) next.dl = 0; // 6.9.2.3.3: the NASC takes DL 0 of KAMF′; counts start again
    else { next.ul = cur.ul; next.dl = cur.dl; next.seen = cur.seen; }
    ue.previous = cur;
    ue.current = next;
    ue.kamfs.set(next.ngKsi, kamf);
    return r;
  }
}
