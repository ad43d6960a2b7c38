/**
 * The whole UE: the ME firmware (NAS security contexts, SMC handling), the USIM (a card with its
 * image), the ME NVM, the storage rules of TS 33.501 6.8.1.1 and 5G AKA on the UE. The procedure
 * models drive it message by message; every step leaves a trace entry.
 */
import { UeFirmware, type NasContext, type SmcResult } from './ue-firmware.js';
import { UeInterworking } from './ue-interworking.js';
import { ContextStore } from '../me/context-store.js';
import { MeStorage } from '../me/me-storage.js';
import type { Usim } from '../usim/usim.js';
import type { StoredNsc } from '../usim/files.js';
import { UeAka, type AuthenticationFailure, type AuthenticationResponse } from '../aka/ue-aka.js';
import * as M from '../nas/messages.js';
import { suciNullScheme, DEFAULT_MNC_DIGITS } from '../nas/identity.js';
import type { Trace } from '../scenarios/trace.js';

/** UE security capability (TS 24.501 9.11.3.54): 5G-EA0–3 and 5G-IA0–3 supported. */
export const DEFAULT_UE_SECURITY_CAPABILITIES = Uint8Array.of(0xf0, 0xf0);
/** IMEISV as a 5GS mobile identity value (9.11.3.4, type 101, BCD digits). */
export const DEFAULT_IMEISV = Uint8Array.of(0x45, 0x53, 0x01, 0x20, 0x00, 0x00, 0x00, 0x10, 0xf2);

export class UeDevice {
  readonly fw: UeFirmware;
  readonly store: ContextStore;
  readonly aka: UeAka;
  guti: Uint8Array | null = null;
  /** MNC length of the subscriber's IMSI (EF AD on a real USIM, TS 31.102 4.2.18): splits the
   *  SUPI into MCC ‖ MNC ‖ MSIN for the SUCI. Default 2 digits. */
  mncDigits: number = DEFAULT_MNC_DIGITS;

  constructor(readonly usim: Usim, me: MeStorage, readonly trace: Trace, readonly snn: string,
    readonly caps: Uint8Array = DEFAULT_UE_SECURITY_CAPABILITIES, fw?: UeFirmware) {
    this.fw = fw ?? new UeFirmware();
    this.fw.configure({ ueSecurityCapabilities: caps, imeisv: DEFAULT_IMEISV });
    this.store = new ContextStore(me);
    this.aka = new UeAka({ usim, kd: this.fw.keys, contextStore: this.store });
  }

  /** Power-on (6.8.1.1.2.1): load the stored native context, if marked valid, into CURRENT. */
  powerOn(): StoredNsc | null {
    const r = this.store.powerOn(this.usim.storage);
    const loci = this.store.loadLoci();
    if (loci?.valid && loci.guti) this.guti = loci.guti.slice(2);
    if (r.context) {
      const c = r.context;
      this.fw.install('current', { kamf: c.kamf, ngKsi: c.ngKsi, type: 'full-native', nea: c.nasAlgs.ciphering, nia: c.nasAlgs.integrity });
      this.fw.setCounts('current', '3gpp', c.ulNasCount, c.dlNasCount, c.dlNasCount > 0);
    }
    this.trace.add('UE', `Power-on: ${r.reason}`, { source: r.source, kamf: r.context?.kamf ?? null, ngKsi: r.context?.ngKsi ?? null, ulCount: r.context?.ulNasCount ?? null },
      { clause: 'TS 33.501 6.8.1.1.2.1' });
    return r.context;
  }

  /** The current context as the USIM stores it (EF 5GS3GPPNSC fields). */
  storedForm(ctx: NasContext = this.fw.read('current')): StoredNsc {
    return {
      ngKsi: ctx.ngKsi & 7, kamf: ctx.kamf, ulNasCount: ctx.ulCount['3gpp'], dlNasCount: ctx.dlCount['3gpp'],
      nasAlgs: { ciphering: ctx.nea, integrity: ctx.nia }, epsNasAlgs: ctx.epsAlgs ? { ciphering: ctx.epsAlgs >> 4, integrity: ctx.epsAlgs & 15 } : null,
    };
  }

  /** Send a REGISTRATION REQUEST (initial or mobility registration updating). */
  registrationRequest(type: number): { message: Uint8Array; count: number | null; plain: Uint8Array } {
    const cur = this.fw.read('current');
    const has = cur.type === 'full-native' || cur.type === 'mapped';
    this.store.beginRegistration(type === M.REG_TYPE.INITIAL ? 'initial' : 'mobility');
    const identity = this.guti ?? suciNullScheme(this.usim.supi, this.mncDigits); // TS 24.501 9.11.3.4, null scheme
    const plain = M.registrationRequest({ type, ngKsi: has ? cur.ngKsi : M.NGKSI_NO_KEY, identity, ueSecurityCapabilities: this.caps });
    const out = this.fw.registrationRequest(plain);
    this.trace.add('UE', `REGISTRATION REQUEST (${type === M.REG_TYPE.INITIAL ? 'initial' : 'mobility registration updating'})${out.count === null ? ', unprotected' : ', integrity protected'}`,
      { ulCountRegistrationRequest: out.count, kamf: has ? cur.kamf : null, ngKsi: has ? cur.ngKsi : null, identity }, { clause: 'TS 24.501 5.5.1, TS 33.501 6.9.3', message: out.message });
    return { ...out, plain };
  }

  /** AUTHENTICATION REQUEST → RES* or a failure (5G AKA on the UE); a success installs the new
   *  partial native context in slot NEW. */
  authenticationRequest(plain: Uint8Array): AuthenticationResponse | AuthenticationFailure {
    const req = M.parseAuthenticationRequest(plain);
    const r = this.aka.handleAuthenticationRequest(req, this.snn);
    if (r.message === 'AUTHENTICATION RESPONSE') {
      this.fw.install('new', { kamf: r.context.kamf, ngKsi: r.context.ngKsi, type: 'partial-native' });
      this.trace.add('UE', 'AUTHENTICATION RESPONSE (RES*); new partial native context', { resStar: r.resStar, kausf: r.context.kausf, kseaf: r.context.kseaf, kamf: r.context.kamf, ngKsi: r.context.ngKsi },
        { clause: 'TS 33.501 6.1.3.2, A.2/A.4/A.6/A.7' });
    } else {
      this.trace.add('UE', `AUTHENTICATION FAILURE (#${r.cause} ${r.causeName})`, { auts: r.auts ?? null }, { clause: 'TS 24.501 5.4.1.3.5' });
    }
    return r;
  }

  /** SECURITY MODE COMMAND → COMPLETE or REJECT (throws on a MAC failure: discarded). */
  securityModeCommand(message: Uint8Array): SmcResult {
    const pendingAka = this.fw.read('new');
    const r = this.fw.securityModeCommand(message);
    if (r.result === 'complete' && pendingAka.type === 'partial-native' && pendingAka.ngKsi === r.ngKsi) this.aka.acceptSmc(r.ngKsi);
    const cur = this.fw.read('current');
    this.trace.add('UE', r.result === 'complete' ? `SECURITY MODE COMPLETE${r.hdp ? ' (HDP = 1: KAMF′ derived)' : ''}` : `SECURITY MODE REJECT #${r.cause}`, {
      kamf: r.result === 'complete' ? cur.kamf : null, ngKsi: r.ngKsi, knasint: r.result === 'complete' ? cur.knasint : null,
      kgnb: r.result === 'complete' ? cur.kgnb : null, smcDlCount: r.dlCount, responseUlCount: r.ulCount, oldContextKept: r.oldKept,
    }, { clause: 'TS 24.501 5.4.2.3, TS 33.501 6.7.2/6.9.3', message: r.response });
    return r;
  }

  /** A downlink message protected with the current context → plain. */
  downlink(message: Uint8Array): Uint8Array { return this.fw.unprotect('current', '3gpp', message).message; }

  /** REGISTRATION ACCEPT with a new 5G-GUTI: commit (firmware, then USIM/ME). Without one: the
   *  registration did not complete, roll back. */
  registrationAccepted(guti: Uint8Array | null): 'committed' | 'rolled back' {
    if (!guti) { this.registrationFailed('REGISTRATION ACCEPT without a new 5G-GUTI'); return 'rolled back'; }
    this.fw.registrationComplete(true);
    const stored = this.storedForm();
    this.store.registrationCompleted(stored);
    this.guti = guti;
    this.store.storeLoci({ guti: Uint8Array.of(0x00, guti.length, ...guti), tai: { plmn: guti.slice(1, 4), tac: Uint8Array.of(0, 0, 1) }, updateStatus: 0 });
    this.trace.add('UE', 'Registration complete: new context committed; USIM/ME get the new KAMF and ngKSI; old context wiped', {
      ueCurrentKamf: stored.kamf, usimKamf: this.usimContext()?.kamf ?? null, usimNgKsi: this.usimContext()?.ngKsi ?? null,
    }, { clause: 'TS 33.501 6.9.3' });
    return 'committed';
  }

  /** REGISTRATION REJECT, timeout, or no new 5G-GUTI: roll back to the kept context. */
  registrationFailed(why: string): void {
    this.fw.registrationComplete(false);
    const cur = this.fw.read('current');
    const usable = cur.type === 'full-native';
    this.store.registrationFailed(usable ? this.storedForm(cur) : null);
    this.trace.add('UE', `Registration failed (${why}): new context deleted, old context current again`, {
      ueCurrentKamf: usable ? cur.kamf : null, usimKamf: this.usimContext()?.kamf ?? null, usimNgKsi: this.usimContext()?.ngKsi ?? null,
    }, { clause: 'TS 33.501 6.9.3 (as amended)' });
  }

  /** SRVCC outcome on the UE (firmware and storage): `completed` also marks the stored native
   *  context invalid, so the re-authentication rule survives a power cycle (TS 33.501 J.1). */
  srvccOutcome(o: 'failed' | 'completed' | 'call-ended'): void {
    new UeInterworking(this.fw).srvccOutcome(o);
    if (o === 'completed') {
      this.store.invalidateContext();
      this.trace.add('UE', 'SRVCC completed: stored 5G NAS security context marked invalid (re-authentication required before 5G)', { usimKamf: this.usimContext()?.kamf ?? null }, { clause: 'TS 33.501 J.1' });
    }
  }

  /** The context EF 5GS3GPPNSC (or ME NVM) holds now. */
  usimContext(): StoredNsc | null {
    const d = this.usim.storage.readNsc('3gpp');
    return d && d.valid ? (({ valid: _v, ...c }) => c)(d) : null;
  }

  /** The raw EF 5GS3GPPNSC record 1 bytes. */
  usimNscBytes(): Uint8Array | null { return this.usim.storage.hasEf(0x4f03) ? this.usim.storage.readRecord(0x4f03, 1) : null; }
}
