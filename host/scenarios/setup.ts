/**
 * A sample world for the procedure models: one subscriber (TS 35.208 Test Set 1 K/OPc), its USIM
 * card and ME NVM on in-memory media (or image files), the home network (UDM/ARPF, AUSF) and a
 * UE. The UE's first registration (5G AKA, SMC, Registration Accept) is run at `serving`, so a
 * scenario starts from a UE registered there with a stored native context.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AtomicStore, MemoryMedium } from '../storage/atomic-store.js';
import { MeStorage, ME_IMAGE_TYPE } from '../me/me-storage.js';
import { Usim } from '../usim/usim.js';
import { Udm, Ausf, Seaf, type TraceEntry } from '../network/index.js';
import { servingNetworkName } from '../aka/ue-aka.js';
import { fromHex } from '../hex.js';
import { UeDevice } from '../ue/ue-device.js';
import { NetworkNasContext } from '../network/nas-security.js';
import { Amf } from '../network/amf.js';
import * as M from '../nas/messages.js';
import { Trace } from './trace.js';

export const SUBSCRIBER = {
  supi: '001010000000001',
  k: fromHex('465b5ce8b199b49faa5f0a2ee238a6bc'),   // TS 35.208 Test Set 1
  opc: fromHex('cd63cb71954a9f4e48a5994e37a02baf'),
  mcc: '001', mnc: '01',
};
export const PLMN = Uint8Array.of(0x00, 0xf1, 0x10);

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

export class World {
  readonly trace = new Trace();
  readonly netTrace: TraceEntry[] = [];
  readonly snn = servingNetworkName(SUBSCRIBER.mcc, SUBSCRIBER.mnc);
  readonly udm: Udm;
  readonly ausf: Ausf;
  readonly usimMedium = new MemoryMedium(8192);
  readonly meMedium = new MemoryMedium(8192);
  ue: UeDevice;
  /** Random bytes for modelled network state (not the UDM's RANDs: a separate seeded stream). */
  readonly random: (n: number) => Uint8Array;

  /** `seed`: RANDs and ids from a seeded source (reproducible runs); default node:crypto. */
  constructor(seed?: number) {
    this.udm = new Udm(this.netTrace, randomSource(seed));
    this.random = randomSource(seed === undefined ? undefined : seed + 0x100000000);
    this.ausf = new Ausf(this.udm, this.netTrace);
    this.udm.provision({ supi: SUBSCRIBER.supi, algorithm: 'milenage', k: SUBSCRIBER.k, opc: SUBSCRIBER.opc });
    Usim.create(this.usimMedium, { supi: SUBSCRIBER.supi, k: SUBSCRIBER.k, opc: SUBSCRIBER.opc }).powerOff();
    this.ue = this.newUe();
  }

  /** A UE powered on with the card and ME NVM of this world (a power cycle makes a new one). */
  newUe(): UeDevice {
    const usim = Usim.open(this.usimMedium);
    const me = MeStorage.open(AtomicStore.open(this.meMedium, { type: ME_IMAGE_TYPE }));
    const ue = new UeDevice(usim, me, this.trace, this.snn);
    ue.mncDigits = SUBSCRIBER.mnc.length; // the subscriber data's MNC length splits the SUPI for the SUCI
    ue.powerOn();
    return ue;
  }

  /** Move the home network's trace entries into the scenario trace, as AUSF/UDM steps. */
  drainNetworkTrace(): void {
    for (const e of this.netTrace.splice(0)) this.trace.add('AUSF', e.message, e.keys, { clause: e.step });
  }

  /**
   * Primary authentication and NAS SMC run by `amf` (TS 33.501 6.1.3.2, 6.7.2): returns the
   * network-side context, or null when the UE could not be authenticated.
   */
  authenticate(amf: Amf, ngKsi: number): NetworkNasContext | null {
    const seaf = new Seaf(this.ausf, this.snn, this.netTrace);
    let req = seaf.startAuthentication(SUBSCRIBER.supi, { ngKsi });
    for (let attempt = 0; attempt < 2; attempt++) {
      this.drainNetworkTrace();
      const r = this.ue.authenticationRequest(M.authenticationRequest(req));
      if (r.message === 'AUTHENTICATION RESPONSE') {
        const v = seaf.handleAuthenticationResponse(r.resStar);
        this.drainNetworkTrace();
        if (v.result !== 'success') return null;
        this.trace.add(amf.name, `Authentication succeeded; KAMF for ngKSI ${ngKsi}`, { kamf: v.kamf }, { clause: 'TS 33.501 6.1.3.2' });
        return new NetworkNasContext(v.kamf, ngKsi, 2, 2);
      }
      const next = seaf.handleAuthenticationFailure(r.cause, r.auts);
      if (!next) { this.drainNetworkTrace(); return null; }
      req = next;
    }
    return null;
  }

  /** SECURITY MODE COMMAND from `amf` with `nas`, protected with that (new) context (SHT 3). */
  securityModeCommand(amf: Amf, nas: NetworkNasContext, opts: { hdp?: boolean; caps?: Uint8Array; ngKsi?: number; corruptMac?: boolean } = {}) {
    const plain = M.securityModeCommand({ nea: nas.nea, nia: nas.nia, ngKsi: opts.ngKsi ?? nas.ngKsi, replayedCaps: opts.caps ?? this.ue.caps, imeisvRequest: true, hdp: opts.hdp, epsAlgs: 0x22 });
    const m = nas.protectDownlink(3, plain);
    if (opts.corruptMac) m.message[2] ^= 0x01;
    amf.trace.add(amf.name, `SECURITY MODE COMMAND (HDP = ${opts.hdp ? 1 : 0}, ngKSI ${opts.ngKsi ?? nas.ngKsi}, 128-NEA${nas.nea}/128-NIA${nas.nia})${opts.corruptMac ? ' — MAC corrupted' : ''}`,
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
