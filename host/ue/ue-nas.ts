/**
 * The UE's 5GMM message handling around the device model (host/ue/ue-device.ts): one entry point
 * for every downlink 5GMM message — the integrity rule of TS 24.501 4.4.4.3 first, then the
 * procedure the message belongs to — and the UE-initiated procedures the conformance test purposes
 * start (de-registration, service request, USIM removal). The keys, COUNTs and stored contexts stay
 * in the device, the firmware and the ContextStore; this file only decides which of them a message
 * may touch and builds the plain 5GMM messages (TS 24.501 8.2).
 */
import type { UeDevice } from './ue-device.js';
import { DEFAULT_IMEISV } from './ue-device.js';
import * as M from '../nas/messages.js';
import { UeKeysError } from '../errors.js';
import { rejectedLoci } from '../usim/files.js';

/** 5GMM main states the procedures below distinguish (TS 24.501 5.1.3.2.1). */
export type MmState = '5GMM-DEREGISTERED' | '5GMM-REGISTERED-INITIATED' | '5GMM-REGISTERED' | '5GMM-DEREGISTERED-INITIATED';

/** Message types beyond those of host/nas/messages.ts (TS 24.501 9.7). */
export const MT5 = {
  DEREGISTRATION_REQUEST_UE_ORIG: 0x45, DEREGISTRATION_ACCEPT_UE_ORIG: 0x46,
  DEREGISTRATION_REQUEST_UE_TERM: 0x47, DEREGISTRATION_ACCEPT_UE_TERM: 0x48,
  SERVICE_REQUEST: 0x4c, SERVICE_REJECT: 0x4d, SERVICE_ACCEPT: 0x4e,
  CONFIGURATION_UPDATE_COMMAND: 0x54, CONFIGURATION_UPDATE_COMPLETE: 0x55,
  AUTHENTICATION_RESULT: 0x5a, IDENTITY_REQUEST: 0x5b, IDENTITY_RESPONSE: 0x5c,
} as const;

/** Identity types of the IDENTITY REQUEST (TS 24.501 9.11.3.3). */
export const IDENTITY_TYPE = { SUCI: 1, GUTI: 2, IMEI: 3, S_TMSI: 4, IMEISV: 5 } as const;

/** 5GMM causes of REGISTRATION REJECT after which the UE deletes its ngKSI, 5G-GUTI and last
 *  visited registered TAI (TS 24.501 5.5.1.2.5): #3, #6, #7 also make the USIM invalid for 5GS;
 *  #74 "temporarily not authorized for this SNPN" does not. */
export const REJECT_DELETES_ALL = [3, 6, 7] as const;
export const REJECT_DELETES_NGKSI = [9, 74] as const;
/** 5GMM cause #71 "ngKSI already in use" (TS 24.501 9.11.3.2). */
export const CAUSE_NGKSI_IN_USE = 71;

/** Why a downlink message was not processed (for the trace and the SS's checks). */
export type Discard = 'integrity check failed' | 'unprotected after secure exchange' | 'unprotected and not in the 4.4.4.3 list'
  | 'ignored during de-registration' | 'unsupported' | 'AUTHENTICATION RESULT not usable'
  | 'REGISTRATION REJECT with no registration in progress';

export interface UeReaction {
  /** What the UE sent in reply (as sent: protected or plain), or null. */
  sent: Uint8Array | null;
  /** Set when the message was discarded or ignored. */
  discarded: Discard | null;
  /** The plain downlink message the UE processed (null when discarded before decoding). */
  plain: Uint8Array | null;
}

const header = (mt: number) => [M.EPD_5GMM, 0x00, mt];

export class UeNas {
  state: MmState = '5GMM-DEREGISTERED';
  /** The network has established secure exchange of NAS messages on this NAS signalling
   *  connection (TS 24.501 4.4.4.3): an SMC was accepted or a protected message verified. */
  secure = false;
  /** The IMEISV of this ME (5GS mobile identity value, 9.11.3.4). */
  readonly imeisv: Uint8Array = DEFAULT_IMEISV;

  constructor(readonly ue: UeDevice) {}

  /** REGISTRATION REQUEST (initial or mobility): a new NAS signalling connection, so no secure
   *  exchange yet (4.4.4.3 applies per connection). */
  register(type: number = M.REG_TYPE.INITIAL): Uint8Array {
    this.secure = false;
    const r = this.ue.registrationRequest(type);
    this.state = '5GMM-REGISTERED-INITIATED';
    return r.message;
  }

  /**
   * A downlink 5GMM message. TS 24.501 4.4.4.3: before secure exchange is established only
   * IDENTITY REQUEST (SUCI), AUTHENTICATION REQUEST/RESULT/REJECT, REGISTRATION REJECT (not #76),
   * DEREGISTRATION ACCEPT (not switch off) and SERVICE REJECT (not #76) are processed unprotected;
   * once it is established "the receiving 5GMM entity in the UE shall not process any NAS
   * signalling messages unless they have been successfully integrity checked by the NAS" — a
   * message that fails the check is discarded, and nothing (COUNT included) changes.
   */
  receive(message: Uint8Array): UeReaction {
    if (message.length < 3 || message[0] !== M.EPD_5GMM) return this.drop('unsupported', null);
    const sht = message[1] & 0x0f;
    if (sht === 3) return this.smc(message);
    let plain: Uint8Array;
    if (sht === 0) {
      plain = message;
      if (this.secure) return this.drop('unprotected after secure exchange', plain);
      if (!processedUnprotected(plain)) return this.drop('unprotected and not in the 4.4.4.3 list', plain);
    } else {
      try { plain = this.ue.downlink(message); } catch (e) {
        if (e instanceof UeKeysError) return this.drop('integrity check failed', null);
        throw e;
      }
      this.secure = true;
    }
    return this.dispatch(plain);
  }

  private dispatch(plain: Uint8Array): UeReaction {
    const mt = plain[2];
    // TS 24.501 5.5.2.2.6 d): AUTHENTICATION REQUEST, SECURITY MODE COMMAND or IDENTITY REQUEST
    // received before the UE-initiated de-registration completed is ignored; so is the network's
    // DEREGISTRATION REQUEST (5.5.2.2.6 collision with a UE-initiated de-registration).
    if (this.state === '5GMM-DEREGISTERED-INITIATED' && ([M.MT.AUTHENTICATION_REQUEST, MT5.IDENTITY_REQUEST, MT5.DEREGISTRATION_REQUEST_UE_TERM] as number[]).includes(mt)) {
      return this.drop('ignored during de-registration', plain);
    }
    switch (mt) {
      case MT5.AUTHENTICATION_RESULT: {
        // EAP-Success / EAP-Failure of EAP-AKA′ (TS 24.501 5.4.1.2.2.8, 5.4.1.2.2.9): the UE sends
        // nothing back; a result it cannot use (no ABBA and no run before it) is discarded.
        try { this.ue.authenticationResult(plain); } catch (e) {
          if (e instanceof UeKeysError) return this.drop('AUTHENTICATION RESULT not usable', plain);
          throw e;
        }
        return { sent: null, discarded: null, plain };
      }
      case M.MT.AUTHENTICATION_REQUEST: {
        // An EAP message IE → EAP-based primary authentication (5.4.1.2.2): every EAP-Response,
        // also Authentication-Reject and Synchronization-Failure, goes in an AUTHENTICATION RESPONSE
        if (M.parseAuthenticationRequest(plain).eap) return this.reply(this.ue.authenticationRequestEap(plain).response, plain);
        // TS 24.501 5.4.1.3.5 c): an ngKSI already associated with a 5G NAS security context the UE
        // holds → AUTHENTICATION FAILURE #71 "ngKSI already in use"; nothing is derived.
        const ksi = plain[3] & 0x0f;
        const inUse = (['current', 'non-current'] as const).some((s) => { const c = this.ue.fw.header(s); return (c.type === 'full-native' || c.type === 'partial-native') && c.ngKsi === ksi; });
        if (inUse) return this.reply(M.authenticationFailure(CAUSE_NGKSI_IN_USE), plain);
        const r = this.ue.authenticationRequest(plain);
        const out = r.message === 'AUTHENTICATION RESPONSE' ? M.authenticationResponse(r.resStar) : M.authenticationFailure(r.cause, r.auts);
        return this.reply(out, plain);
      }
      case M.MT.AUTHENTICATION_REJECT: return this.authenticationReject(plain);
      case MT5.IDENTITY_REQUEST: return this.reply(this.identityResponse(plain[3] & 7), plain);
      case M.MT.REGISTRATION_ACCEPT: {
        const { guti } = M.parseRegistrationAccept(plain);
        this.ue.registrationAccepted(guti);
        this.state = '5GMM-REGISTERED';
        const ack = this.sorAck(plain);
        return this.reply(Uint8Array.of(...header(M.MT.REGISTRATION_COMPLETE), ...(ack ? [0x73, 0x00, ack.length, ...ack] : [])), plain);
      }
      case M.MT.REGISTRATION_REJECT: return this.registrationReject(plain);
      case MT5.CONFIGURATION_UPDATE_COMMAND: return this.configurationUpdate(plain);
      case MT5.SERVICE_REJECT: return this.serviceReject(plain);
      case MT5.DEREGISTRATION_ACCEPT_UE_ORIG:
        if (this.state === '5GMM-DEREGISTERED-INITIATED') { this.ue.store.deregister('normal', this.ue.storedForm()); this.state = '5GMM-DEREGISTERED'; }
        return { sent: null, discarded: null, plain };
      default: return this.drop('unsupported', plain);
    }
  }

  /**
   * Steering of roaming (TS 23.122 C.2; TS 33.501 6.14.2.1): a REGISTRATION ACCEPT with a SOR
   * transparent container (IEI 73, TLV-E; TS 24.501 9.11.3.51: SOR header, SOR-MAC-IAUSF (16),
   * CounterSoR (2), then the list). The UE checks SOR-MAC-IAUSF = the 128 LSB of A.17 =
   * KDF(KAUSF, 0x77, SOR header, CounterSoR, the container octets after octet 22) with its valid
   * KAUSF; if that holds and the header asks for an acknowledgement (bit 4), the ACK is the SOR
   * header with data type 1 and SOR-MAC-IUE = the 128 LSB of A.18 = KDF(KAUSF, 0x78, 0x01,
   * CounterSoR). A failed check gives no ACK (the list is not used; PLMN selection is not modelled).
   */
  private sorAck(plain: Uint8Array): Uint8Array | null {
    let i = 3 + 1 + plain[3], sor: Uint8Array | null = null;
    while (i < plain.length) {
      if (plain[i] === 0x73 && i + 2 < plain.length) sor = plain.slice(i + 3, i + 3 + ((plain[i + 1] << 8) | plain[i + 2]));
      i += M.optionalIeLength(plain, i);
    }
    if (!sor || sor.length < 19 || (sor[0] & 1) !== 0) return null;
    const kausf = this.ue.aka.current?.kausf ?? (() => { const k = this.ue.store.loadAuthKeys(); return k && k.valid ? k.kausf : null; })();
    if (!kausf) return null;
    const counter = sor.slice(17, 19);
    const mac = this.ue.fw.keys.kdf(kausf, 0x77, [sor.slice(0, 1), counter, ...(sor.length > 19 ? [sor.slice(19)] : [])]).slice(16);
    let diff = 0;
    for (let k = 0; k < 16; k++) diff |= mac[k] ^ sor[1 + k];
    if (diff !== 0 || (sor[0] & 0x08) === 0) return null;
    const macIue = this.ue.fw.keys.kdf(kausf, 0x78, [Uint8Array.of(0x01), counter]).slice(16);
    kausf.fill(0);
    return Uint8Array.of(0x01, ...macIue);
  }

  /** SECURITY MODE COMMAND (TS 24.501 5.4.2.3/5.4.2.5): ignored during de-registration
   *  (5.5.2.2.6), else handled by the device (firmware checks, COMPLETE or REJECT). */
  private smc(message: Uint8Array): UeReaction {
    if (this.state === '5GMM-DEREGISTERED-INITIATED') return this.drop('ignored during de-registration', null);
    let r;
    // an EAP-Success inside the SMC (TS 38.508-1 4.9.8) is taken by UeDevice.securityModeCommand
    try { r = this.ue.securityModeCommand(message); } catch (e) {
      if (e instanceof UeKeysError) return this.drop('integrity check failed', null);
      throw e;
    }
    if (r.result === 'complete') this.secure = true;
    return { sent: r.response, discarded: null, plain: message.slice(7) };
  }

  /** IDENTITY RESPONSE (8.2.22) for the requested type (5.4.3.3): SUCI, IMEISV, the 5G-GUTI, or
   *  "No identity" (type 000, 9.11.3.4) when the UE has no such identity. */
  private identityResponse(type: number): Uint8Array {
    let id: Uint8Array;
    if (type === IDENTITY_TYPE.SUCI) id = this.ue.suci();
    else if (type === IDENTITY_TYPE.IMEISV) id = this.imeisv;
    else if (type === IDENTITY_TYPE.GUTI && this.ue.guti) id = this.ue.guti;
    else id = Uint8Array.of(0x00); // no identity (IMEI is not modelled: the ME reports none)
    return Uint8Array.of(...header(MT5.IDENTITY_RESPONSE), id.length >> 8, id.length & 0xff, ...id);
  }

  /**
   * AUTHENTICATION REJECT (TS 24.501 5.4.1.3.5): set 5U3 ROAMING NOT ALLOWED, delete the 5G-GUTI,
   * last visited registered TAI, TAI list and ngKSI, consider the USIM invalid for 5GS until
   * switch-off or removal, enter 5GMM-DEREGISTERED. The same deletions as REGISTRATION REJECT #3.
   */
  private authenticationReject(plain: Uint8Array): UeReaction {
    this.deleteAll();
    return { sent: null, discarded: null, plain };
  }

  private deleteAll(): void {
    for (const slot of ['current', 'new', 'non-current', 'mapped'] as const) this.ue.fw.wipe(slot);
    // the registration in progress, if any, failed; an AUTHENTICATION REJECT also ends a network-
    // initiated authentication while 5GMM-REGISTERED (5.4.1.1), where no registration outcome is due
    if (this.ue.fw.registering()) this.ue.fw.registrationComplete(false);
    this.ue.aka.discardPending();
    this.ue.store.deregister('reject', null);
    this.ue.guti = null;
    this.state = '5GMM-DEREGISTERED';
    this.secure = false;
  }

  /** REGISTRATION REJECT (TS 24.501 5.5.1.2.5 / 5.5.1.3.5): #3/#6/#7 delete everything (USIM
   *  invalid); #9 "UE identity cannot be derived by the network" and #74 "temporarily not
   *  authorized for this SNPN" delete the 5G-GUTI, the last visited registered TAI, the TAI list
   *  and the ngKSI (the stored context is marked "no key"); #9 sets 5U2 NOT UPDATED and the UE
   *  starts an initial registration by itself; #74 sets 5U3 (a modelling choice for the update
   *  status); other causes: the attempt failed, the kept context stays. */
  private registrationReject(plain: Uint8Array): UeReaction {
    // A REGISTRATION REJECT answers a REGISTRATION REQUEST (5.5.1.2.5 / 5.5.1.3.5): with none in
    // progress it is not compatible with the protocol state, and the UE ignores it before deleting
    // anything (a modelling choice: the 5GMM STATUS a UE may send back is not modelled) instead of
    // applying the cause's deletions halfway (the firmware has no registration outcome to record).
    if (!this.ue.fw.registering()) return this.drop('REGISTRATION REJECT with no registration in progress', plain);
    const cause = plain[3];
    if ((REJECT_DELETES_ALL as readonly number[]).includes(cause)) {
      this.ue.registrationRejectedDeleteAll(cause);
      this.state = '5GMM-DEREGISTERED';
    } else if ((REJECT_DELETES_NGKSI as readonly number[]).includes(cause)) {
      for (const slot of ['current', 'new', 'non-current', 'mapped'] as const) this.ue.fw.wipe(slot);
      this.ue.fw.registrationComplete(false);
      this.ue.aka.discardPending();
      this.ue.store.registrationFailed(null);
      // 5GMM-DEREGISTERED also after a rejected mobility registration (#9): no context to keep
      if (this.ue.store.state !== 'deregistered') this.ue.store.deregister('normal', null);
      this.ue.store.invalidateContext();
      const stored = this.ue.store.loadLoci(), prior = stored && stored.valid ? stored : null;
      this.ue.store.storeLoci({ ...rejectedLoci(prior), updateStatus: cause === 9 ? 1 : 2 });
      this.ue.guti = null;
      this.state = '5GMM-DEREGISTERED';
      this.secure = false;
      if (cause === 9) return { sent: this.register(M.REG_TYPE.INITIAL), discarded: null, plain };
    } else {
      this.ue.registrationFailed(`REGISTRATION REJECT #${cause}`);
      this.state = '5GMM-DEREGISTERED';
    }
    this.secure = false;
    return { sent: null, discarded: null, plain };
  }

  /**
   * CONFIGURATION UPDATE COMMAND (TS 24.501 5.4.4.3): a new 5G-GUTI (IEI 77) is stored and
   * considered valid; acknowledgement requested (Configuration update indication, IEI D-, bit 1)
   * → CONFIGURATION UPDATE COMPLETE; registration requested (bit 2) → the UE starts a mobility
   * registration (here at once: the N1 connection release is not modelled).
   */
  private configurationUpdate(plain: Uint8Array): UeReaction {
    let ack = false, regRequested = false, guti: Uint8Array | null = null;
    for (let i = 3; i < plain.length;) {
      const iei = plain[i];
      if ((iei & 0xf0) === 0xd0) { ack = (iei & 1) !== 0; regRequested = (iei & 2) !== 0; i += 1; continue; }
      if (iei === 0x77) { const l = (plain[i + 1] << 8) | plain[i + 2]; guti = plain.slice(i + 3, i + 3 + l); i += 3 + l; continue; }
      i += M.optionalIeLength(plain, i); // other type 1, TLV and TLV-E (e.g. LADN information 79) IEs
    }
    if (guti) {
      this.ue.guti = guti;
      this.ue.store.storeLoci({ guti: Uint8Array.of(0x00, guti.length, ...guti), tai: { plmn: guti.slice(1, 4), tac: Uint8Array.of(0, 0, 1) }, updateStatus: 0 });
    }
    let sent: Uint8Array | null = null;
    if (ack) sent = this.protect(Uint8Array.of(...header(MT5.CONFIGURATION_UPDATE_COMPLETE)));
    if (regRequested) sent = this.register(M.REG_TYPE.MOBILITY_UPDATING);
    return { sent, discarded: null, plain };
  }

  /** SERVICE REJECT (TS 24.501 5.6.1.5): #28 "restricted service area" → the UE performs a
   *  registration procedure for mobility registration update; the context is kept. */
  private serviceReject(plain: Uint8Array): UeReaction {
    const cause = plain[3];
    this.state = '5GMM-REGISTERED';
    if (cause === 28) return { sent: this.register(M.REG_TYPE.MOBILITY_UPDATING), discarded: null, plain };
    return { sent: null, discarded: null, plain };
  }

  /**
   * SERVICE REQUEST (TS 24.501 5.6.1.2, 8.2.16): service type ‖ ngKSI, 5G-S-TMSI (LV-E); an initial
   * NAS message, integrity protected with the current context (not ciphered: 4.4.6). The initial
   * KgNB is A.9(KAMF, the UL NAS COUNT of this message) (TS 33.501 6.9.2.1.1), derived by the
   * firmware. Service type 0 signalling, 1 data, 2 mobile terminated, 3 emergency services,
   * 4 emergency services fallback (9.11.3.50).
   */
  serviceRequest(serviceType = 1): { message: Uint8Array; ulCount: number; kgnb: Uint8Array } {
    const cur = this.ue.fw.read('current');
    if (!this.ue.guti) throw new UeKeysError('serviceRequest: no 5G-GUTI (the UE must be registered)');
    const g = this.ue.guti; // f2 ‖ PLMN(3) ‖ region(1) ‖ set/pointer(2) ‖ TMSI(4)
    const sTmsi = Uint8Array.of(0xf4, ...g.slice(5, 11));
    // octet 4: ngKSI (the first half-octet IE: bits 4–1) ‖ service type (bits 8–5), TS 24.501 8.2.16.1
    const plain = Uint8Array.of(...header(MT5.SERVICE_REQUEST), ((serviceType & 0x0f) << 4) | (cur.ngKsi & 0x0f), 0, sTmsi.length, ...sTmsi);
    this.secure = false;
    const out = this.ue.fw.protect('current', '3gpp', 1, plain);
    const kgnb = this.ue.fw.keys.kgnb({ kamf: cur.kamf, ulCount: out.count });
    return { message: out.message, ulCount: out.count, kgnb };
  }

  /**
   * UE-initiated de-registration (TS 24.501 5.5.2.2.1, 8.2.12): DEREGISTRATION REQUEST with the
   * de-registration type (switch off bit 4, access 3GPP) and ngKSI, 5GS mobile identity = 5G-GUTI
   * (or SUCI), protected with the current context. Switch off: TS 33.501 6.8.1.1.1 — the full
   * native context, with the UL NAS COUNT after this message, is stored marked valid; the RAM
   * contexts are gone.
   */
  deregister(switchOff: boolean): Uint8Array {
    const cur = this.ue.fw.header('current'); // ngKSI and type only: the keys stay in the firmware
    // after SRVCC the 5G context may not be used until a new 5G AKA (TS 33.501 J.1)
    const has = (cur.type === 'full-native' || cur.type === 'mapped') && !this.ue.fw.reauthRequired();
    const identity = this.ue.guti ?? this.ue.suci();
    const plain = Uint8Array.of(...header(MT5.DEREGISTRATION_REQUEST_UE_ORIG), ((has ? cur.ngKsi : M.NGKSI_NO_KEY) << 4) | (switchOff ? 0x08 : 0) | 0x01,
      identity.length >> 8, identity.length & 0xff, ...identity);
    const sent = has ? this.ue.fw.protect('current', '3gpp', this.secure ? 2 : 1, plain).message : plain;
    if (switchOff) {
      const stored = has && cur.type === 'full-native' ? this.ue.storedForm() : null;
      this.ue.store.deregister('switch-off', stored);
      for (const slot of ['current', 'new', 'non-current', 'mapped'] as const) this.ue.fw.wipe(slot);
      this.state = '5GMM-DEREGISTERED';
      this.secure = false;
    } else {
      this.state = '5GMM-DEREGISTERED-INITIATED';
    }
    return sent;
  }

  /**
   * The UE leaves 5GS without signalling (e.g. after 5G-SRVCC to UTRAN, TS 23.216 6.5.4: the UE is
   * in 5GMM-DEREGISTERED when it comes back). TS 33.501 6.8.1.1.1: the full native context is
   * stored valid — unless it may not be used any more (after SRVCC, J.1), then the stored copy is
   * marked invalid.
   */
  localDeregistration(): void {
    const cur = this.ue.fw.header('current');
    const keep = cur.type === 'full-native' && !this.ue.fw.reauthRequired();
    this.ue.store.deregister('normal', keep ? this.ue.storedForm() : null);
    this.state = '5GMM-DEREGISTERED';
    this.secure = false;
  }

  /** The USIM is removed while powered on (TS 24.501 5.5.2.2.1: DEREGISTRATION REQUEST, switch
   *  off; TS 33.501 6.2.2.2: the ME deletes any 5G context, KAUSF and KSEAF it holds). */
  usimRemoved(): Uint8Array {
    const cur = this.ue.fw.header('current');
    const identity = this.ue.guti ?? this.ue.suci();
    // as deregister(): the ngKSI of the context that protects the message, else "no key is
    // available" (111, TS 24.501 9.11.3.32) — not the 0 of an empty slot
    const has = (cur.type === 'full-native' || cur.type === 'mapped') && !this.ue.fw.reauthRequired();
    const plain = Uint8Array.of(...header(MT5.DEREGISTRATION_REQUEST_UE_ORIG), ((has ? cur.ngKsi : M.NGKSI_NO_KEY) << 4) | 0x08 | 0x01, identity.length >> 8, identity.length & 0xff, ...identity);
    const sent = has ? this.ue.fw.protect('current', '3gpp', this.secure ? 2 : 1, plain).message : plain;
    this.ue.store.usimRemoved();
    for (const slot of ['current', 'new', 'non-current', 'mapped'] as const) this.ue.fw.wipe(slot);
    this.ue.aka.discardPending();
    this.ue.guti = null;
    this.state = '5GMM-DEREGISTERED';
    this.secure = false;
    return sent;
  }

  /**
   * Lower layers report that an uplink message could not be sent. TS 24.501 5.4.3.5 (abnormal
   * cases of identification): a transmission failure of the IDENTITY RESPONSE during an initial
   * registration → the UE restarts the initial registration procedure; the attempt in progress
   * fails first (its stored context handling is that of a failed registration, TS 33.501
   * 6.8.1.1.2.1). Other messages: nothing to do here (null).
   */
  transmissionFailure(plainType: number): Uint8Array | null {
    if (plainType !== MT5.IDENTITY_RESPONSE || this.state !== '5GMM-REGISTERED-INITIATED') return null;
    this.ue.registrationFailed('IDENTITY RESPONSE not sent (lower layer failure)');
    return this.register(M.REG_TYPE.INITIAL);
  }

  /** A reply: protected with the current context (header type 2) once secure exchange is
   *  established (TS 24.501 4.4.5), else plain. */
  private reply(out: Uint8Array, plain: Uint8Array): UeReaction {
    return { sent: this.secure ? this.protect(out) : out, discarded: null, plain };
  }

  private protect(plain: Uint8Array): Uint8Array { return this.ue.fw.protect('current', '3gpp', 2, plain).message; }

  private drop(why: Discard, plain: Uint8Array | null): UeReaction {
    this.ue.trace.add('UE', `Downlink message discarded: ${why}`, {}, { clause: 'TS 24.501 4.4.4.3 / 5.5.2.2.6' });
    return { sent: null, discarded: why, plain };
  }
}

/** The messages TS 24.501 4.4.4.3 lets the UE process without integrity protection (before
 *  secure exchange is established). */
export function processedUnprotected(plain: Uint8Array): boolean {
  if (plain.length < 3 || plain[1] !== 0) return false;
  switch (plain[2]) {
    case MT5.IDENTITY_REQUEST: return (plain[3] & 7) === IDENTITY_TYPE.SUCI;
    case M.MT.AUTHENTICATION_REQUEST: case MT5.AUTHENTICATION_RESULT: case M.MT.AUTHENTICATION_REJECT: return true;
    case M.MT.REGISTRATION_REJECT: case MT5.SERVICE_REJECT: return plain[3] !== 76;
    case MT5.DEREGISTRATION_ACCEPT_UE_ORIG: return true;
    default: return false;
  }
}
