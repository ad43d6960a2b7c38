/**
 * EPS AKA on the UE (TS 33.401 6.1.1; NAS side TS 24.301 5.4.2): the EMM AUTHENTICATION REQUEST
 * (8.2.7: NAS key set identifier, RAND, AUTN) goes to the USIM (AUTHENTICATE); the ME checks the
 * AMF separation bit ("non-EPS authentication unacceptable" if 0, TS 33.401 6.1.2 / 24.301
 * 5.4.2.6) and derives KASME = TS 33.401 A.2(CK ‖ IK, SN id, SQN ⊕ AK) through the ME firmware.
 * The result is a new EPS security context {eKSI, KASME} held by the ME, not current: the EPS
 * SMC that would activate it is not modelled (the UE model has no EPS NAS security beyond the
 * 5GS → EPS mapping). Failures: #20 MAC failure, #26 separation bit 0, #21 synch failure + AUTS;
 * nothing is derived and no context changes. CK and IK are wiped after use.
 */
import type { UeDevice } from './ue-device.js';

export const EPS_MT_AKA = { AUTHENTICATION_REQUEST: 0x52, AUTHENTICATION_RESPONSE: 0x53, AUTHENTICATION_REJECT: 0x54, AUTHENTICATION_FAILURE: 0x5c } as const;
const PD_EMM = 0x07;

export interface EpsAkaContext { eKsi: number; kasme: Uint8Array }

export class UeEpsAka {
  /** The EPS security context created by the last successful EPS AKA (not current), or null. */
  context: EpsAkaContext | null = null;
  constructor(readonly ue: UeDevice, readonly snId: Uint8Array) {}

  /** An EMM AUTHENTICATION REQUEST → AUTHENTICATION RESPONSE (RES) or AUTHENTICATION FAILURE. */
  authenticationRequest(p: Uint8Array): Uint8Array {
    // AUTN is an LV of 16 octets (TS 24.301 9.9.3.2); anything else is invalid mandatory information
    if (p.length < 36 || p[0] !== PD_EMM || p[1] !== EPS_MT_AKA.AUTHENTICATION_REQUEST || p[19] !== 16) return failure(96);
    const eKsi = p[2] & 0x0f, rand = p.slice(3, 19), autn = p.slice(20, 20 + p[19]);
    const r = this.ue.usim.authenticate(rand, autn);
    if (r.kind === 'mac-failure') return failure(20);
    if ((autn[6] & 0x80) === 0) {
      if (r.kind === 'ok') { r.ck.fill(0); r.ik.fill(0); r.res.fill(0); }
      return failure(26);
    }
    if (r.kind === 'sync-failure') return failure(21, r.auts);
    try {
      const kasme = this.ue.fw.keys.kasme({ ck: r.ck, ik: r.ik, snId: this.snId, sqnXorAk: autn.slice(0, 6) });
      if (this.context) this.context.kasme.fill(0);
      this.context = { eKsi, kasme };
      return Uint8Array.of(PD_EMM, EPS_MT_AKA.AUTHENTICATION_RESPONSE, r.res.length, ...r.res);
    } finally {
      r.ck.fill(0); r.ik.fill(0); r.res.fill(0);
      this.ue.fw.keys.wipeScratch();
    }
  }
}

/** AUTHENTICATION FAILURE (TS 24.301 8.2.5): EMM cause, AUTS (IEI 0x30) for synch failure. */
function failure(cause: number, auts?: Uint8Array): Uint8Array {
  return Uint8Array.of(PD_EMM, EPS_MT_AKA.AUTHENTICATION_FAILURE, cause, ...(auts ? [0x30, auts.length, ...auts] : []));
}
