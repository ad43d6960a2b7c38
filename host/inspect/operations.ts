/**
 * The operations whose executed wasm instructions `ue-keys profile` counts. Each runs on a fresh
 * instance of the instrumented module: `setup` (not counted) then `run` (counted), through the
 * documented ABI (host/firmware/loader.ts Firmware: put inputs in IO_IN, call, results in IO_OUT). A
 * non-zero status throws, so a count is only ever reported for a call that succeeded.
 *
 * To add an operation (SMC verification, a UE-side mobility registration, SRVCC ...): append one
 * entry to OPERATIONS. `id` is the stable key of the --json output; inputs must be fixed bytes
 * (use `fill`) so that the count is the same on every run and machine. Goals per build are in goals.ts.
 */
import type { Firmware } from '../firmware/loader.js';
import type { Role } from './goals.js';
import { ref } from '../reference/kdf.js';
import { nea2Ref, nia2Ref } from '../reference/nas.js';
import { encodeGuti, registrationAccept } from '../nas/messages.js';

export interface Operation {
  id: string;
  /** The module it runs on: the ME ('ue') or the USIM ('usim'), in the build profiled (goals.ts). */
  module: Role;
  title: string;
  setup?(fw: Firmware): void;
  run(fw: Firmware): void;
}

/** n deterministic bytes (a simple LCG; the counts do not depend on the values, but fixed inputs
 *  keep every run identical). */
export function fill(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; b[i] = x >>> 24; }
  return b;
}

const SNN = new TextEncoder().encode('5G:mnc070.mcc901.3gppnetwork.org'); // 32 octets
const KEY = fill(32, 7);

/** Generic KDF (TS 33.220 B.2) with FC 0x6C and P0 = a 32-octet serving network name: S is 35
 *  octets, so the HMAC is one SHA-256 block for the inner hash and one for the outer hash. */
function kdfCall(fw: Firmware): void {
  fw.begin();
  const k = fw.put(KEY), p = fw.put(SNN), t = fw.reserve(8);
  fw.putU32(t, p); fw.putU32(t + 4, SNN.length);
  fw.call('kdf', k, 32, 0x6c, t, 1);
}

/** The key context of KEY (kdf export with fc = 0x200, host/firmware/kdf-key.ts), made by the
 *  uncounted setup of kdf.key_reused: the caller holds it, the module keeps nothing (issue 17). */
let keyContext: Uint8Array | undefined;
function makeKeyContext(fw: Firmware): void {
  fw.begin();
  fw.call('kdf', fw.put(KEY), 32, 0x200, 0, 0);
  keyContext = fw.take(0, 64);
  fw.clearMailboxes();
}

/** kdfCall's derivation with the caller-owned key context instead of the key (fc = 0x100 | FC):
 *  the same output (tests/differential/kdf-key-context.test.ts), two compressions instead of four. */
function kdfWithContext(fw: Firmware): void {
  if (keyContext === undefined) throw new Error('kdf.key_reused: the setup made no key context');
  fw.begin();
  const c = fw.put(keyContext), p = fw.put(SNN), t = fw.reserve(8);
  fw.putU32(t, p); fw.putU32(t + 4, SNN.length);
  fw.call('kdf', c, 64, 0x100 | 0x6c, t, 1);
}

function keyOp(exp: string, ...args: number[]) {
  return (fw: Firmware) => { fw.begin(); const k = fw.put(KEY); fw.call(exp, k, ...args); };
}

/** 128-NIA<alg> / 128-NEA<alg> on `bytes` octets (COUNT, BEARER, DIRECTION fixed). */
function nasOp(exp: 'nas_mac' | 'nas_cipher', alg: number, bytes: number) {
  return (fw: Firmware) => {
    fw.begin();
    const k = fw.put(fill(16, 3)), m = fw.put(fill(bytes, 5));
    fw.call(exp, alg, k, 0x398a59b4, 0x15, 1, m, bytes * 8);
  };
}

const K16 = fill(16, 11), OPC = fill(16, 12), RAND = fill(16, 13), SQN = fill(6, 14), AMF = Uint8Array.of(0x80, 0x00), TOPC = fill(32, 15);
/** TUAK params word: 1 Keccak iteration, MAC 64, RES 64, CK 128, IK 128 bits (usim/abi.ts). */
const TUAK_PARAMS = 0x11080801;

export const OPERATIONS: Operation[] = [
  { id: 'kdf.key_reused', module: 'ue', title: 'one KDF, key reused through a caller-owned key context (ue.kdfKey(key).derive(), kdf() with fc 0x100 | FC; S = 35 octets)', setup: makeKeyContext, run: kdfWithContext },
  { id: 'kdf.new_key', module: 'ue', title: 'one KDF, new key (generic kdf(), S = 35 octets)', run: kdfCall },
  { id: 'derive.nas_keys', module: 'ue', title: 'KNASenc + KNASint from KAMF (derive_nas_keys, A.8 ×2)', run: keyOp('derive_nas_keys', 2, 2) },
  { id: 'derive.kamf_prime', module: 'ue', title: "KAMF′ (derive_kamf_prime, A.13)", run: keyOp('derive_kamf_prime', 0, 5) },
  { id: 'derive.kgnb', module: 'ue', title: 'KgNB (derive_kgnb, A.9)', run: keyOp('derive_kgnb', 5, 1) },
  ...([1, 2, 3] as const).flatMap((alg) => [64, 1500].flatMap((n) => [
    { id: `nia${alg}.${n}B`, module: 'ue' as const, title: `128-NIA${alg} on ${n} B (nas_mac)`, run: nasOp('nas_mac', alg, n) },
    { id: `nea${alg}.${n}B`, module: 'ue' as const, title: `128-NEA${alg} on ${n} B (nas_cipher)`, run: nasOp('nas_cipher', alg, n) },
  ])),
  {
    id: 'milenage.f1', module: 'usim', title: 'MILENAGE f1 + f1* (milenage_f1)',
    run: (fw) => { fw.begin(); fw.call('milenage_f1', fw.put(K16), fw.put(OPC), fw.put(RAND), fw.put(SQN), fw.put(AMF)); },
  },
  {
    id: 'milenage.f2345', module: 'usim', title: 'MILENAGE f2, f3, f4, f5, f5* (milenage_f2345)',
    run: (fw) => { fw.begin(); fw.call('milenage_f2345', fw.put(K16), fw.put(OPC), fw.put(RAND)); },
  },
  {
    id: 'tuak.f1', module: 'usim', title: 'TUAK f1 + f1* (tuak_f1, K 128, MAC 64, 1 iteration)',
    run: (fw) => { fw.begin(); fw.call('tuak_f1', fw.put(K16), 16, fw.put(TOPC), fw.put(RAND), fw.put(SQN), fw.put(AMF), TUAK_PARAMS); },
  },
  {
    id: 'tuak.f2345', module: 'usim', title: 'TUAK f2, f3, f4, f5, f5* (tuak_f2345, RES 64, CK/IK 128, 1 iteration)',
    run: (fw) => { fw.begin(); fw.call('tuak_f2345', fw.put(K16), 16, fw.put(TOPC), fw.put(RAND), TUAK_PARAMS); },
  },
  {
    id: 'srvcc.ck_ik', module: 'ue', title: 'SRVCC from 5G: KASME_SRVCC (A.21) then CK_SRVCC‖IK_SRVCC (TS 33.401 A.12)',
    run: (fw) => {
      fw.begin(); fw.call('derive_kasme_srvcc', fw.put(KEY), 9);
      const kasme = fw.take(0, 32);
      fw.begin(); fw.call('derive_ck_ik_srvcc', fw.put(kasme), 9);
    },
  },
  { id: 'smc.verify', module: 'ue', title: 'SECURITY MODE COMMAND with HDP = 1: KAMF′, NAS keys, MAC check, KgNB, SMC Complete (smc_process)', setup: mobilitySetup, run: (fw) => smcStep(fw) },
  {
    id: 'mobility.registration', module: 'ue', title: 'UE side of a mobility registration: Registration Request, SMC (KAMF′), Accept, commit',
    setup: (fw) => { ueSetup(fw); }, run: (fw) => { mobilitySetup(fw, false); smcStep(fw); acceptStep(fw); fw.call('registration_complete', 1); },
  },
  { id: 'srvcc.ho_command', module: 'ue', title: 'SRVCC HO command on the UE: COUNT estimate, KASME_SRVCC (A.21), CK‖IK (A.12) (srvcc_ho_command)', setup: (fw) => { ueSetup(fw); }, run: (fw) => { fw.call('srvcc_ho_command', 5, 0, 0x7d); } },
];

// ---- the mobility messages, computed once with the node:crypto reference (TS 33.501 6.9.3)
const CAPS = Uint8Array.of(0xf0, 0xf0);
const RR = Uint8Array.from(Buffer.from('7e00411a000bf200f110010041000001012e02f0f0', 'hex'));
const KAMF_PRIME = ref.kamfPrime(KEY, 0, 0); // UL NAS COUNT of the Registration Request = 0
const NET = ref.nasKeys(KAMF_PRIME, 2, 2);
function downlink(sht: number, plain: Uint8Array, count: number, cipher: boolean): Uint8Array {
  const body = cipher ? nea2Ref(NET.knasenc, count, 1, 1, plain, plain.length * 8) : plain;
  const sb = Uint8Array.from([count & 0xff, ...body]);
  return Uint8Array.from([0x7e, sht, ...nia2Ref(NET.knasint, count, 1, 1, sb, sb.length * 8), ...sb]);
}
const SMC = downlink(3, Uint8Array.from([0x7e, 0x00, 0x5d, 0x22, 0x01, 0x02, ...CAPS, 0x36, 0x01, 0x01]), 0, false); // ngKSI 1 = the current KAMF's
const ACCEPT = downlink(2, registrationAccept({ guti: encodeGuti({ plmn: Uint8Array.of(0x00, 0xf1, 0x10), amfRegionId: 2, amfSetId: 1, amfPointer: 1, tmsi: 0x202 }) }), 1, true);

/** A UE with a full native context (KEY as KAMF, ngKSI 1, 128-NEA2/NIA2). */
function ueSetup(fw: Firmware): void {
  fw.begin(); fw.call('ue_configure', fw.put(CAPS), 2, 0, 0, 0);
  fw.begin(); fw.call('ctx_install', 0, fw.put(KEY), 1, 0x22, 2);
}
function mobilitySetup(fw: Firmware, configure = true): void {
  if (configure) ueSetup(fw);
  fw.begin(); fw.call('registration_request', fw.put(RR), RR.length, 1);
}
function smcStep(fw: Firmware): void { fw.begin(); fw.call('smc_process', fw.put(SMC), SMC.length, 1); }
function acceptStep(fw: Firmware): void { fw.begin(); fw.call('nas_unprotect', 0, 1, fw.put(ACCEPT), ACCEPT.length); }
