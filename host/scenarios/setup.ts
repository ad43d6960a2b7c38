/**
 * A sample world for the procedure models: one subscriber (TS 35.208 Test Set 1 K/OPc), its USIM
 * card and ME NVM on in-memory media (or image files), the home network (UDM/ARPF, AUSF) and a
 * UE. The UE's first registration (5G AKA, SMC, Registration Accept) is run at `serving`, so a
 * scenario starts from a UE registered there with a stored native context.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AtomicStore, MemoryMedium } from '../storage/atomic-store.js';
import { MeStorage, ME_IMAGE_TYPE } from '../ue/me-storage.js';
import { Usim } from '../usim/usim.js';
import { Udm, Ausf, Seaf, EapAusf, type EapChallengeOptions } from '../network/index.js';
import { ref } from '../reference/kdf.js';
import { eapName } from '../nas/eap.js';
import { servingNetworkName } from '../ue/ue-aka.js';
import { fromHex } from '../hex.js';
import { UeDevice } from '../ue/ue-device.js';
import { NetworkNasContext } from '../network/nas-security.js';
import { Amf } from '../network/amf.js';
import * as M from '../nas/messages.js';
import { Trace } from '../trace.js';
import { variantOf, type Variant } from '../firmware/variant.js';

/** How the UE calculates its SUCI from the SUPI (TS 33.501 6.12.2): UeDevice.suciCalculation. */
export type SuciCalculation = (supi: string, mncDigits: number) => Uint8Array;

export const SUBSCRIBER: {
  supi: string; k: Uint8Array; opc: Uint8Array; mcc: string; mnc: string;
  /** The USIM's SUCI calculation (what EF SUCI_Calc_Info provisions, TS 31.102 4.4.11.8: the
   *  protection scheme and home-network public key); null: the null scheme. */
  suciCalculation: SuciCalculation | null;
} = {
  supi: '001010000000001',
  k: fromHex('465b5ce8b199b49faa5f0a2ee238a6bc'),   // TS 35.208 Test Set 1
  opc: fromHex('cd63cb71954a9f4e48a5994e37a02baf'),
  mcc: '001', mnc: '01',
  suciCalculation: null,
};
export const PLMN = Uint8Array.of(0x00, 0xf1, 0x10);

/** Run `f` with another subscriber (`ue-keys run … --k --opc --supi`, so a user can decipher the
 *  run's own capture): the UDM, the USIM and the SUCI/SNN use it; MCC/MNC come from the SUPI with a
 *  2-digit MNC (DEFAULT_MNC_DIGITS). The sample subscriber is restored afterwards. */
export function withSubscriber<T>(s: { supi?: string; k?: Uint8Array; opc?: Uint8Array; suciCalculation?: SuciCalculation }, f: () => T): T {
  const saved = { ...SUBSCRIBER };
  if (s.supi) Object.assign(SUBSCRIBER, { supi: s.supi, mcc: s.supi.slice(0, 3), mnc: s.supi.slice(3, 5) });
  if (s.k) SUBSCRIBER.k = s.k;
  if (s.opc) SUBSCRIBER.opc = s.opc;
  if (s.suciCalculation) SUBSCRIBER.suciCalculation = s.suciCalculation;
  try { return f(); } finally { Object.assign(SUBSCRIBER, saved); }
}

export function guti(amfRegionId: number, tmsi: number): Uint8Array {
  return M.encodeGuti({ plmn: PLMN, amfRegionId, amfSetId: 1, amfPointer: 1, tmsi });
}

/** n bytes from a seeded source: SHA-256(seed ‖ counter) blocks, so a run with a seed is
 *  reproducible byte for byte; without a seed, node:crypto randomBytes. */
export function randomSource(seed?: number): (n: number) => Uint8Array {
  if (seed === undefined) return (n) => new Uint8Array(randomBytes(n));
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 32) out.set(createHash('sha256').update(`ue-keys seed ${seed} ${counter++}`).digest().subarray(0, Math.min(32, n - i)), i);
    return out;
  };
}

/** Primary authentication method the AMF/AUSF run (TS 33.501 6.1.3): 5G AKA (6.1.3.2) or EAP-AKA′
 *  (6.1.3.1). For EAP-AKA′ the EAP-Success goes inside the SECURITY MODE COMMAND (TS 38.508-1 4.9.8
 *  default sequence) or in an AUTHENTICATION RESULT (TS 24.501 5.4.1.2.2.8). */
export type AuthMethod = '5g-aka' | 'eap-aka-prime';
export type EapSuccessIn = 'smc' | 'result';
/** The authentication options every scenario takes (`ue-keys run … --auth`, `--eap-success`). */
export interface AuthOptions { auth?: AuthMethod; eapSuccessIn?: EapSuccessIn }
/** The options of a World and so of every scenario: authentication, and which firmware build the
 *  UE and its USIM run — `build: 'fast' | 'small'` (host/firmware/variant.ts; default the
 *  process-wide default, fast unless UE_KEYS_VARIANT says small). Named `build`, not `variant`,
 *  because the SRVCC scenario's `variant` is the SRVCC key derivation variant. */
export interface ScenarioOptions extends AuthOptions { build?: Variant }
/** The summary's `auth` field: "5g-aka", or "eap-aka-prime (EAP-Success in the SMC | AUTHENTICATION RESULT)". */
export function authLabel(o: AuthOptions): string {
  return (o.auth ?? '5g-aka') === '5g-aka' ? '5g-aka' : `eap-aka-prime (EAP-Success in ${(o.eapSuccessIn ?? 'smc') === 'smc' ? 'the SMC' : 'AUTHENTICATION RESULT'})`;
}

export class World {
  readonly trace = new Trace();
  readonly snn = servingNetworkName(SUBSCRIBER.mcc, SUBSCRIBER.mnc);
  readonly udm: Udm;
  readonly ausf: Ausf;
  readonly usimMedium = new MemoryMedium(8192);
  readonly meMedium = new MemoryMedium(8192);
  ue: UeDevice;
  /** Random bytes for modelled network state (not the UDM's RANDs: a separate seeded stream). */
  readonly random: (n: number) => Uint8Array;

  readonly eapAusf: EapAusf;
  auth: AuthMethod = '5g-aka';
  eapSuccessIn: EapSuccessIn = 'smc';
  /** Fault knobs of the next EAP-AKA′ challenge (tests). */
  eapChallenge: EapChallengeOptions & { identityFirst?: boolean } = {};
  /** EAP-Success and ABBA the next SECURITY MODE COMMAND carries (EAP-AKA′, eapSuccessIn 'smc'). */
  private pendingEapSuccess: { eap: Uint8Array; abba: Uint8Array } | null = null;

  /** The firmware build of the UE and its USIM. */
  readonly build: Variant;

  /** `seed`: RANDs and ids from a seeded source (reproducible runs); default node:crypto. */
  constructor(seed?: number, opts: ScenarioOptions = {}) {
    this.build = variantOf({ variant: opts.build }, 'build');
    this.auth = opts.auth ?? '5g-aka';
    this.eapSuccessIn = opts.eapSuccessIn ?? 'smc';
    this.udm = new Udm(this.trace, randomSource(seed));
    this.eapAusf = new EapAusf(this.udm, this.trace);
    this.random = randomSource(seed === undefined ? undefined : seed + 0x100000000);
    this.ausf = new Ausf(this.udm, this.trace);
    this.udm.provision({ supi: SUBSCRIBER.supi, algorithm: 'milenage', k: SUBSCRIBER.k, opc: SUBSCRIBER.opc });
    Usim.create(this.usimMedium, { supi: SUBSCRIBER.supi, k: SUBSCRIBER.k, opc: SUBSCRIBER.opc, variant: this.build }).powerOff();
    this.ue = this.newUe();
  }

  /** A UE powered on with the card and ME NVM of this world (a power cycle makes a new one). */
  newUe(): UeDevice {
    const usim = Usim.open(this.usimMedium, { variant: this.build });
    const me = MeStorage.open(AtomicStore.open(this.meMedium, { type: ME_IMAGE_TYPE }));
    const ue = new UeDevice(usim, me, this.trace, this.snn, undefined, { variant: this.build });
    ue.mncDigits = SUBSCRIBER.mnc.length; // the subscriber data's MNC length splits the SUPI for the SUCI
    ue.suciCalculation = SUBSCRIBER.suciCalculation;
    ue.powerOn();
    return ue;
  }

  /**
   * Primary authentication and NAS SMC run by `amf` (TS 33.501 6.1.3.2, 6.7.2): returns the
   * network-side context, or null when the UE could not be authenticated.
   */
  authenticate(amf: Amf, ngKsi: number): NetworkNasContext | null {
    if (this.auth === 'eap-aka-prime') return this.authenticateEap(amf, ngKsi);
    const seaf = new Seaf(this.ausf, this.snn, this.trace);
    let req = seaf.startAuthentication(SUBSCRIBER.supi, { ngKsi });
    for (let attempt = 0; attempt < 2; attempt++) {
      const r = this.ue.authenticationRequest(M.authenticationRequest(req));
      if (r.message === 'AUTHENTICATION RESPONSE') {
        const v = seaf.handleAuthenticationResponse(r.resStar);
          if (v.result !== 'success') return null;
        this.trace.add(amf.name, `Authentication succeeded; KAMF for ngKSI ${ngKsi}`, { kamf: v.kamf }, { clause: 'TS 33.501 6.1.3.2' });
        return new NetworkNasContext(v.kamf, ngKsi, 2, 2);
      }
      const next = seaf.handleAuthenticationFailure(r.cause, r.auts);
      if (!next) return null;
      req = next;
    }
    return null;
  }

  /**
   * EAP-AKA′ (TS 33.501 6.1.3.1) run by `amf` as SEAF with the EAP AUSF: each EAP-Request goes in
   * an AUTHENTICATION REQUEST (ngKSI, ABBA 0x0000), each answer comes back in an AUTHENTICATION
   * RESPONSE (TS 24.501 5.4.1.2.2). On EAP-Success the SEAF derives KAMF = A.7(KSEAF, SUPI, ABBA)
   * and sends the EAP-Success in an AUTHENTICATION RESULT or keeps it for the SMC; on EAP-Failure
   * it sends AUTHENTICATION REJECT and returns null.
   */
  private authenticateEap(amf: Amf, ngKsi: number): NetworkNasContext | null {
    const abba = Uint8Array.of(0x00, 0x00);
    let eap = this.eapAusf.start(SUBSCRIBER.supi, this.snn, this.eapChallenge);
    for (let round = 0; round < 4; round++) {
      const req = M.authenticationRequestEap({ ngKsi, abba, eap });
      this.trace.add(amf.name, `AUTHENTICATION REQUEST (${eapName(eap)}, ngKSI ${ngKsi})`, {}, { to: 'UE', clause: 'TS 24.501 5.4.1.2.2.2; TS 33.501 6.1.3.1', message: req });
      const { response } = this.ue.authenticationRequestEap(req);
      const step = this.eapAusf.handleResponse(M.parseAuthenticationResponse(response).eap!);
      if (step.kind === 'request') { eap = step.eap; continue; }
      if (step.kind === 'failure') {
        const rej = M.authenticationReject(step.eap);
        this.trace.add(amf.name, `AUTHENTICATION REJECT (EAP-Failure): ${step.reason}`, {}, { to: 'UE', clause: 'TS 24.501 5.4.1.2.2.10', message: rej });
        this.ue.authenticationReject(rej);
        return null;
      }
      const kamf = ref.kamf(step.kseaf, step.supi, abba);
      this.trace.add(amf.name, `Authentication succeeded (EAP-AKA′); KAMF for ngKSI ${ngKsi}`, { kseaf: step.kseaf, kamf }, { clause: 'TS 33.501 6.1.3.1 step 10, A.7' });
      if (this.eapSuccessIn === 'result') {
        const res = M.authenticationResult({ ngKsi, eap: step.eap, abba });
        this.trace.add(amf.name, 'AUTHENTICATION RESULT (EAP-Success, ABBA)', {}, { to: 'UE', clause: 'TS 24.501 5.4.1.2.2.8', message: res });
        this.ue.authenticationResult(res);
      } else this.pendingEapSuccess = { eap: step.eap, abba };
      return new NetworkNasContext(kamf, ngKsi, 2, 2);
    }
    return null;
  }

  /** SECURITY MODE COMMAND from `amf` with `nas`, protected with that (new) context (SHT 3). */
  securityModeCommand(amf: Amf, nas: NetworkNasContext, opts: { hdp?: boolean; caps?: Uint8Array; ngKsi?: number; corruptMac?: boolean } = {}) {
    const eap = this.pendingEapSuccess;
    this.pendingEapSuccess = null;
    const plain = M.securityModeCommand({ nea: nas.nea, nia: nas.nia, ngKsi: opts.ngKsi ?? nas.ngKsi, replayedCaps: opts.caps ?? this.ue.caps, imeisvRequest: true, hdp: opts.hdp, epsAlgs: 0x22,
      ...(eap ? { eap: eap.eap, abba: eap.abba } : {}) });
    const m = nas.protectDownlink(3, plain);
    if (opts.corruptMac) m.message[2] ^= 0x01;
    amf.trace.add(amf.name, `SECURITY MODE COMMAND (${eap ? 'EAP-Success, ABBA, ' : ''}HDP = ${opts.hdp ? 1 : 0}, ngKSI ${opts.ngKsi ?? nas.ngKsi}, 128-NEA${nas.nea}/128-NIA${nas.nia})${opts.corruptMac ? ' — MAC corrupted' : ''}`,
      { kamf: nas.kamf, knasint: nas.knasint, dlCount: m.count }, { to: 'UE', clause: 'TS 33.501 6.7.2', message: m.message });
    return m.message;
  }

  /** The UE's first registration at `amf`: 5G AKA, SMC, REGISTRATION ACCEPT with a 5G-GUTI. */
  initialRegistration(amf: Amf, assignedGuti: Uint8Array, ngKsi = 1): void {
    this.ue.registrationRequest(M.REG_TYPE.INITIAL);
    const nas = this.authenticate(amf, ngKsi);
    if (!nas) throw new Error('initial registration: authentication failed');
    const smc = this.securityModeCommand(amf, nas);
    const r = this.ue.securityModeCommand(smc);
    if (r.result !== 'complete' || !nas.verifyUplink(r.response)) throw new Error('initial registration: SMC failed');
    const accept = nas.protectDownlink(2, M.registrationAccept({ guti: assignedGuti }));
    amf.trace.add(amf.name, 'REGISTRATION ACCEPT (new 5G-GUTI)', { guti: assignedGuti }, { to: 'UE', message: accept.message });
    this.ue.registrationAccepted(M.parseRegistrationAccept(this.ue.downlink(accept.message)).guti);
    amf.add({ supi: SUBSCRIBER.supi, guti: assignedGuti, nas, ueSecurityCapabilities: this.ue.caps });
  }
}
