/**
 * Shared SS steps for the 5GS ↔ EPS test purposes: the UE's N26 mappings (TS 33.501 8.3.2, 8.6.1)
 * checked against the node:crypto reference KDFs (K′ASME A.14.1/A.14.2, EPS NAS keys TS 33.401
 * A.7, KeNB A.3) and the TAU's MAC verified with the SS's own 5G context.
 */
import { UeInterworking } from '../../firmware/ue-interworking.js';
import { tauRequest } from '../../scenarios/interworking.js';
import { ref } from '../../reference/kdf.js';
import { NO_COUNT } from '../../types.js';
import { check, same, SS_GUTI, type SystemSimulator } from '../ss.js';

/** 5GS → EPS idle (TS 24.301 4.4.2.3, TS 33.501 8.6.1): TAU REQUEST integrity protected with the
 *  current 5G context at the 5G UL COUNT, eKSI = ngKSI value (TSC mapped), K′ASME = A.14.1. */
export function idleToEps(ss: SystemSimulator, kamf: Uint8Array): string {
  const ul = ss.ue.fw.read('current').ulCount['3gpp'];
  const u = new UeInterworking(ss.ue.fw).epsMapIdle(tauRequest(ss.ue.fw.read('current').ngKsi & 7, SS_GUTI));
  const v = ss.net!.verifyUplinkEps(u.message);
  check(v, 'TAU REQUEST MAC does not verify with the current 5G KNASint');
  check(v.count === ul, `TAU REQUEST at 5G UL COUNT ${v.count}, expected ${ul}`);
  // TS 24.301 8.2.29: octet 3 = NAS key set identifier (bits 8–5: TSC ‖ KSI) ‖ EPS update type
  const eKsi = v.plain[2] >> 4, ngKsi = ss.ue.fw.read('current').ngKsi & 7;
  check(eKsi === (0x08 | ngKsi), `NAS key set identifier 0x${eKsi.toString(16)} in the TAU, expected TSC mapped with the ngKSI value ${ngKsi}`);
  check(ss.ue.fw.read('current').ulCount['3gpp'] === ul + 1, '5G UL COUNT did not increment');
  const kasme = ref.kasmePrime(kamf, 'idle', v.count);
  check(same(u.kasmePrime, kasme), 'K′ASME is not A.14.1(KAMF, UL COUNT of the TAU)');
  check(same(u.knasInt, ref.epsAlgKey(kasme, 2, 2)) && same(u.knasEnc, ref.epsAlgKey(kasme, 1, 2)), 'EPS NAS keys are not A.7(K′ASME) for the stored EPS algorithms (EIA2/EEA2)');
  check(u.count === v.count, `mapped EPS COUNT ${u.count}, expected the 5G UL COUNT ${v.count}`);
  return `TAU REQUEST MAC OK with the 5G KNASint at UL COUNT ${v.count}, eKSI = ngKSI; K′ASME = A.14.1, EPS keys for EIA2/EEA2 (tag 85)`;
}

/** 5GS → EPS connected handover (TS 33.501 8.3.2): the HO command's 8 LSB of the DL NAS COUNT;
 *  K′ASME = A.14.2(KAMF, DL COUNT), KeNB = TS 33.401 A.3(K′ASME, 2^32−1). */
export function hoToEps(ss: SystemSimulator, kamf: Uint8Array) {
  const dl = ss.net!.dlNext['3gpp'];
  ss.net!.dlNext['3gpp'] = dl + 1;
  const iw = new UeInterworking(ss.ue.fw);
  const u = iw.epsMapHo(dl & 0xff);
  check(u.count === dl, `UE estimated DL COUNT ${u.count}, expected ${dl}`);
  const kasme = ref.kasmePrime(kamf, 'ho', dl);
  check(same(u.kasmePrime, kasme), 'K′ASME is not A.14.2(KAMF, DL COUNT)');
  check(same(u.kenb, ref.kenb(kasme, NO_COUNT)), 'KeNB is not TS 33.401 A.3(K′ASME, 2^32−1)');
  check(same(u.knasInt, ref.epsAlgKey(kasme, 2, 2)), 'EPS KNASint is not A.7(K′ASME, EIA2)');
  return { dl, u };
}
