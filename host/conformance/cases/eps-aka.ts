/** SS side of EPS AKA (TS 24.301 8.2.7; KASME TS 33.401 A.2 with the node:crypto reference KDF). */
import { ref } from '../../reference/kdf.js';
import { PLMN } from '../../scenarios/setup.js';
import { UeEpsAka, EPS_MT_AKA } from '../../ue/ue-eps-aka.js';
import type { Challenge, SystemSimulator } from '../ss.js';

export const epsAka = (ss: SystemSimulator) => new UeEpsAka(ss.ue, PLMN);
export const epsAuthRequest = (c: Challenge) => Uint8Array.of(0x07, EPS_MT_AKA.AUTHENTICATION_REQUEST, c.ngKsi & 7, ...c.rand, c.autn.length, ...c.autn);
export const expectedKasme = (c: Challenge) => ref.kasme(c.ck, c.ik, PLMN, c.autn.slice(0, 6));
export { EPS_MT_AKA };
