/**
 * The typed key-derivation API over the ME firmware module: SHA-256, HMAC-SHA-256, the TS 33.220
 * generic KDF and one method per TS 33.501 / TS 33.401 Annex A derivation. Uint8Array in, fresh
 * Uint8Array out; inputs are checked here (named InputError) before they reach the module.
 */
import type { UeModule } from './loader.js';
import type { Access } from '../types.js';
import { bindMethods, bytes, int, u32, oneOf, text, TEXT_MAX } from '../validate.js';
import { checkStatus, InputError } from '../errors.js';
import { KdfKey } from './kdf-key.js';
import { beginKdf, finishKdf, KDF_OUT, type RawKdf } from './kdf-call.js';

const KEY = 32;
// KDF_OUT (kdf-call.ts): the kdf export writes its 32-octet result at IO_OUT and nothing else there
// (assembly/me/abi/kdf.ts: kdfRun(…, IO_OUT_PTR)), so only those octets need wiping after it.
/** ABBA (TS 24.501 9.11.3.10) is at least 2 octets. */
const ABBA_MIN = 2;
const ANY_LEN = [0, 4096] as const;

export type CellTarget = 'gnb' | 'ng-enb';
export type MobilityMode = 'idle' | 'ho';

/** Outputs of the derive exports that return several keys back to back from IO_OUT offset 0, in
 *  the order assembly/me/abi/derive.ts writes them (the module exports no offsets for them): each
 *  field's [offset, length], from the field lengths. */
function outputLayout<F extends Record<string, number>>(lengths: F): { readonly [K in keyof F]: readonly [number, number] } {
  let off = 0;
  const out: Record<string, readonly [number, number]> = {};
  for (const [k, len] of Object.entries(lengths)) { out[k] = [off, len]; off += len; }
  return out as { readonly [K in keyof F]: readonly [number, number] };
}
const CK_IK_OUT = outputLayout({ ck: 16, ik: 16 });
const NAS_KEYS_OUT = outputLayout({ knasenc: 16, knasint: 16 });
/** CK′, IK′, then MK split into K_encr, K_aut, K_re, MSK, EMSK (RFC 9048 3.3); KAUSF = EMSK's first 32 octets. */
const EAP_AKA_PRIME_OUT = outputLayout({ ckPrime: 16, ikPrime: 16, kEncr: 16, kAut: 32, kRe: 32, msk: 64, emsk: 64 });
const EAP_CHALLENGE_OUT = outputLayout({ responseMac: 16, kausf: 32 });
/** aka_5g: RES* first; KAUSF and KSEAF follow only with the authKeys flag (assembly/me/procedures/aka.ts). */
const AKA_5G_OUT = outputLayout({ resStar: 16, kausf: 32, kseaf: 32 });

/** The derivations of two 32-byte keys, and of a key and an integer, into one 32-byte key. */
type TwoKeyExport = 'derive_nh' | 'derive_kamf_from_kasme_ho' | 'derive_nh_eps';
type KeyAndIntExport = 'derive_kamf_from_kasme_idle' | 'derive_ksn' | 'derive_kasme_srvcc' | 'derive_kenb' | 'derive_s_kgnb';

/** Methods that take positional arguments; every other public method takes one inputs object. */
const POSITIONAL = new Set(['sha256', 'sha256Stream', 'hmacSha256', 'kdf', 'kdfKey', 'wipeScratch', 'twoKeys', 'keyAndInt']);

let named: ReadonlySet<string> | undefined;
/** The methods that take one inputs object (computed once, not per instance). */
const namedMethods = (): ReadonlySet<string> => (named ??= new Set(Object.getOwnPropertyNames(KeyDerivation.prototype)
  .filter((n) => n !== 'constructor' && n !== 'memoryImage' && !POSITIONAL.has(n))));

export class KeyDerivation {
  constructor(private readonly fw: UeModule) {
    // Bound own methods: `const { kdf, kamf } = await load()` works, and `kamf()` / `kamf(null)` is an
    // InputError naming the method. Nothing secret stays in module memory after a call returns
    // (issue 17): every method ends with both mailboxes wiped — also when it throws (a bad field after
    // a key was already copied in, a firmware status) — and the firmware forgets its HMAC key context
    // before each export returns.
    bindMethods(this, namedMethods(), () => this.fw.clearMailboxes());
    this.rawKdf = fw.raw.kdf as RawKdf;
    // kdf() again, bound, wiping IO_IN as far as it was written and the 32 octets of IO_OUT the
    // export writes (instead of the whole 4 KiB) — fixed arity, no rest/spread
    const kdf = KeyDerivation.prototype.kdf;
    const bound = (key: Uint8Array, fc: number, params: Uint8Array[]): Uint8Array => {
      try { return kdf.call(this, key, fc, params); } finally { fw.clearWritten(KDF_OUT); }
    };
    Object.defineProperty(this, 'kdf', { value: bound, writable: false, enumerable: false, configurable: true });
  }
  private readonly rawKdf: RawKdf;

  /**
   * A copy of the module's whole 64 KiB memory page, as an emulator snapshot or a forensic memory
   * dump would see it between calls. After any method returns (or throws) it holds no input or
   * output key of that call, nor any 8 consecutive bytes of one: the mailboxes are zero and the
   * HMAC key context is all zeros (README "Secrets in module memory").
   */
  memoryImage(): Uint8Array { return this.fw.snapshot(); }

  /** SHA-256 (FIPS 180-4) of `data` (≤ the 4096-byte mailbox). */
  sha256(data: Uint8Array): Uint8Array {
    const fw = this.fw.begin();
    const d = fw.put(bytes('data', data, [0, fw.inLen]));
    fw.exports.sha256_init();
    fw.exports.sha256_update(d, data.length);
    fw.exports.sha256_final();
    return fw.take(0, 32);
  }

  /** Streaming SHA-256 over the module's SHA_CTX (one stream at a time per module instance). */
  sha256Stream(): { update(chunk: Uint8Array): void; digest(): Uint8Array } {
    const fw = this.fw;
    fw.exports.sha256_init();
    // The running hash state stays in SHA_CTX until digest(); each chunk and the digest leave
    // the mailboxes as soon as they are consumed or copied out.
    return {
      update(chunk: Uint8Array) {
        try { fw.begin(); const o = fw.put(bytes('chunk', chunk, [0, fw.inLen])); fw.exports.sha256_update(o, chunk.length); } finally { fw.clearMailboxes(); }
      },
      digest() { try { fw.exports.sha256_final(); return fw.take(0, 32); } finally { fw.clearMailboxes(); } },
    };
  }

  /** HMAC-SHA-256 (RFC 2104). The pads are computed per call and forgotten before it returns (issue 17). */
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
    const fw = this.fw.begin();
    bytes('key', key, [0, fw.inLen]); bytes('data', data, [0, fw.inLen]);
    if (key.length + data.length + 4 > fw.inLen) throw new InputError('data', `key and data together must fit ${fw.inLen - 4} bytes, got ${key.length + data.length}`);
    const k = fw.put(key), m = fw.put(data);
    fw.exports.hmac_sha256(k, key.length, m, data.length);
    return fw.take(0, 32);
  }

  /** TS 33.220 B.2 KDF: HMAC-SHA-256(key, FC ‖ P0 ‖ L0 ‖ …); FC one octet, any number of
   *  parameters (each < 65536 octets; S within the module's 4608-byte S buffer). */
  kdf(key: Uint8Array, fc: number, params: Uint8Array[]): Uint8Array {
    // the hot path (issue 12): quick checks, the validators only for the error (kdf-call.ts)
    if (!(key instanceof Uint8Array) || key.length === 0 || key.length > ANY_LEN[1]) bytes('key', key, ANY_LEN);
    beginKdf(this.fw, key.length, 'key', fc, params);
    return finishKdf(this.fw, this.rawKdf, this.fw.put(key), key.length, 0, fc, params);
  }

  /** A caller-owned key context for `key` (host/firmware/kdf-key.ts): `k.derive(fc, params)` equals
   *  `kdf(key, fc, params)` at half the firmware's cost (the HMAC pads are made once, here, and kept
   *  by the caller, not in the module); `k.dispose()` wipes them. */
  kdfKey(key: Uint8Array): KdfKey { return new KdfKey(this.fw, key); }

  /** TS 33.501 A.2 KAUSF = KDF(CK‖IK, 0x6A, SNN, SQN⊕AK). */
  kausf(a: { ck: Uint8Array; ik: Uint8Array; snn: string | Uint8Array; sqnXorAk: Uint8Array }): Uint8Array {
    const fw = this.fw.begin();
    const ckIk = fw.put(ckik(a.ck, a.ik)), snn = text('snn', a.snn), s = fw.put(snn), x = fw.put(bytes('sqnXorAk', a.sqnXorAk, 6));
    fw.exports.derive_kausf(ckIk, s, snn.length, x);
    return fw.take(0, 32);
  }

  /** TS 33.501 A.3 / TS 33.402 A.2 CK′, IK′ (EAP-AKA′); `snn` is the access network identity. */
  ckIkPrime(a: { ck: Uint8Array; ik: Uint8Array; snn: string | Uint8Array; sqnXorAk: Uint8Array }): { ckPrime: Uint8Array; ikPrime: Uint8Array } {
    const fw = this.fw.begin();
    const ckIk = fw.put(ckik(a.ck, a.ik)), snn = text('snn', a.snn), s = fw.put(snn), x = fw.put(bytes('sqnXorAk', a.sqnXorAk, 6));
    fw.exports.derive_ck_ik_prime(ckIk, s, snn.length, x);
    return { ckPrime: fw.take(...CK_IK_OUT.ck), ikPrime: fw.take(...CK_IK_OUT.ik) };
  }

  /**
   * EAP-AKA′ key chain (TS 33.501 6.1.3.1; RFC 9048 3.3 updating RFC 5448), in the firmware:
   * CK′, IK′ (A.3, `snn` as the access network identity), MK = PRF′(IK′ ‖ CK′, "EAP-AKA'" ‖
   * identity) split into K_encr (16), K_aut (32), K_re (32), MSK (64), EMSK (64), and KAUSF = the
   * 256 most significant bits of EMSK. `identity` is the EAP peer identity (in 5G the SUPI or SUCI
   * in NAI form, TS 33.501 Annex F), taken as the octets the peer sent: a string is its UTF-8
   * encoding without normalisation (PRF′ is not a TS 33.220 KDF), a Uint8Array is used as is.
   */
  eapAkaPrime(a: { ck: Uint8Array; ik: Uint8Array; snn: string | Uint8Array; sqnXorAk: Uint8Array; identity: string | Uint8Array }): {
    ckPrime: Uint8Array; ikPrime: Uint8Array; kEncr: Uint8Array; kAut: Uint8Array; kRe: Uint8Array; msk: Uint8Array; emsk: Uint8Array; kausf: Uint8Array;
  } {
    const fw = this.fw.begin();
    const ckIk = fw.put(ckik(a.ck, a.ik)), snn = text('snn', a.snn), s = fw.put(snn), x = fw.put(bytes('sqnXorAk', a.sqnXorAk, 6));
    const id = identityOctets(a.identity), i = fw.put(id);
    fw.exports.derive_eap_aka_prime(ckIk, s, snn.length, x, i, id.length);
    const o = EAP_AKA_PRIME_OUT;
    return {
      ckPrime: fw.take(...o.ckPrime), ikPrime: fw.take(...o.ikPrime), kEncr: fw.take(...o.kEncr), kAut: fw.take(...o.kAut), kRe: fw.take(...o.kRe),
      msk: fw.take(...o.msk), emsk: fw.take(...o.emsk), kausf: fw.take(o.emsk[0], 32),
    };
  }

  /**
   * The UE's EAP-AKA′ challenge step in one firmware call (export eap_aka_prime_challenge): the
   * chain of {@link eapAkaPrime} with `identity` (the SUPI, TS 33.501 F.3), then AT_MAC of the
   * EAP-Request/AKA′-Challenge `request` is verified with K_aut — `request` is the whole EAP packet
   * as received and `macAt` the offset of the AT_MAC value in it (the firmware sees it with those
   * 16 octets zeroed, RFC 4187 10.15) — and the EAP-Response/AKA′-Challenge `response` (its AT_MAC
   * value at `responseMacAt`, any content there is replaced by zeros before MACing) gets its MAC.
   * Returns that MAC and KAUSF; K_aut, MK, CK′ and IK′ stay in the module and are wiped there.
   * A request MAC that does not verify is a MacFailureError (no output).
   */
  eapAkaPrimeChallenge(a: { ck: Uint8Array; ik: Uint8Array; snn: string | Uint8Array; sqnXorAk: Uint8Array; identity: string | Uint8Array;
    request: Uint8Array; macAt: number; response: Uint8Array; responseMacAt: number }): { responseMac: Uint8Array; kausf: Uint8Array } {
    const fw = this.fw.begin();
    const ckIk = fw.put(ckik(a.ck, a.ik)), snn = text('snn', a.snn), s = fw.put(snn), x = fw.put(bytes('sqnXorAk', a.sqnXorAk, 6));
    const id = identityOctets(a.identity), i = fw.put(id);
    const req = bytes('request', a.request, [8, 2048]), rsp = bytes('response', a.response, [8, 1024]);
    const macAt = int('macAt', a.macAt, 4, req.length - 16), rspMacAt = int('responseMacAt', a.responseMacAt, 4, rsp.length - 16);
    const zeroed = (p: Uint8Array, at: number) => { const c = p.slice(); c.fill(0, at, at + 16); return c; };
    const m = fw.put(req.subarray(macAt, macAt + 16)), r = fw.put(zeroed(req, macAt)), o = fw.put(zeroed(rsp, rspMacAt));
    fw.exports.eap_aka_prime_challenge(ckIk, s, snn.length, x, i, id.length, r, req.length, m, o, rsp.length);
    return { responseMac: fw.take(...EAP_CHALLENGE_OUT.responseMac), kausf: fw.take(...EAP_CHALLENGE_OUT.kausf) };
  }

  /** TS 33.501 A.4 RES* (XRES*): 128 LSB of KDF(CK‖IK, 0x6B, SNN, RAND, RES). */
  resStar(a: { ck: Uint8Array; ik: Uint8Array; snn: string | Uint8Array; rand: Uint8Array; res: Uint8Array }): Uint8Array {
    const fw = this.fw.begin();
    const ckIk = fw.put(ckik(a.ck, a.ik)), snn = text('snn', a.snn), s = fw.put(snn);
    const r = fw.put(bytes('rand', a.rand, 16)), res = bytes('res', a.res, [4, 16]), rs = fw.put(res);
    fw.exports.derive_res_star(ckIk, s, snn.length, r, rs, res.length);
    return fw.take(0, 16);
  }

  /**
   * The UE's 5G AKA after the USIM's answer, in one firmware call (TS 33.501 6.1.3.2 step 7):
   * RES* (A.4), KAUSF (A.2, SQN ⊕ AK = the first 6 octets of AUTN), KSEAF (A.6), KAMF (A.7). The
   * KAMF is installed in the module's slot NEW as the partial native context of `ngKsi` (0–6) and
   * never leaves the module; KAUSF and KSEAF are returned only with `authKeys: true` (for EF
   * 5GAUTHKEYS / ME storage, TS 33.501 6.2.2.2), else they stay inside and are wiped.
   */
  aka5g(a: { ck: Uint8Array; ik: Uint8Array; snn: string | Uint8Array; rand: Uint8Array; res: Uint8Array; sqnXorAk: Uint8Array;
    supi: string | Uint8Array; abba: Uint8Array; ngKsi: number; authKeys?: boolean }): { resStar: Uint8Array; kausf?: Uint8Array; kseaf?: Uint8Array } {
    const fw = this.fw.begin();
    const ckIk = fw.put(ckik(a.ck, a.ik)), snn = text('snn', a.snn), s = fw.put(snn);
    const r = fw.put(bytes('rand', a.rand, 16)), res = bytes('res', a.res, [4, 16]), rs = fw.put(res);
    const x = fw.put(bytes('sqnXorAk', a.sqnXorAk, 6));
    const supi = text('supi', typeof a.supi === 'string' ? supiValue(a.supi) : a.supi);
    const su = fw.put(supi), ab = fw.put(bytes('abba', a.abba, [ABBA_MIN, 1024]));
    const ngKsi = int('ngKsi', a.ngKsi, 0, 6);
    if (a.authKeys !== undefined && typeof a.authKeys !== 'boolean') throw new InputError('authKeys', 'must be a boolean', a.authKeys);
    fw.exports.aka_5g(ckIk, s, snn.length, r, rs, res.length, x, su, supi.length, ab, a.abba.length, ngKsi, a.authKeys ? 1 : 0);
    const resStar = fw.take(...AKA_5G_OUT.resStar);
    return a.authKeys ? { resStar, kausf: fw.take(...AKA_5G_OUT.kausf), kseaf: fw.take(...AKA_5G_OUT.kseaf) } : { resStar };
  }

  /** TS 33.501 A.5 HRES* (HXRES*): 128 LSB of SHA-256(RAND ‖ RES*). */
  hresStar(a: { rand: Uint8Array; resStar: Uint8Array }): Uint8Array {
    const fw = this.fw.begin();
    const r = fw.put(bytes('rand', a.rand, 16)), x = fw.put(bytes('resStar', a.resStar, 16));
    fw.exports.derive_hres_star(r, x);
    return fw.take(0, 16);
  }

  /** TS 33.501 A.6 KSEAF = KDF(KAUSF, 0x6C, SNN). */
  kseaf(a: { kausf: Uint8Array; snn: string | Uint8Array }): Uint8Array {
    const fw = this.fw.begin();
    const k = fw.put(bytes('kausf', a.kausf, KEY)), snn = text('snn', a.snn), s = fw.put(snn);
    fw.exports.derive_kseaf(k, s, snn.length);
    return fw.take(0, 32);
  }

  /** TS 33.501 A.7 KAMF = KDF(KSEAF, 0x6D, SUPI, ABBA). `supi` is the IMSI digits or the NAI
   *  (a `imsi-`/`nai-` SUPI-type prefix is removed: P0 is the identity only). */
  kamf(a: { kseaf: Uint8Array; supi: string | Uint8Array; abba: Uint8Array }): Uint8Array {
    const fw = this.fw.begin();
    const supi = text('supi', typeof a.supi === 'string' ? supiValue(a.supi) : a.supi);
    const k = fw.put(bytes('kseaf', a.kseaf, KEY)), s = fw.put(supi), ab = fw.put(bytes('abba', a.abba, [ABBA_MIN, 1024]));
    fw.exports.derive_kamf(k, s, supi.length, ab, a.abba.length);
    return fw.take(0, 32);
  }

  /** TS 33.501 A.8 algorithm key (128 bits): distinguisher 1 N-NAS-enc … 6 N-UP-int. */
  algKey(a: { key: Uint8Array; distinguisher: number; algId: number }): Uint8Array {
    const fw = this.fw.begin();
    const k = fw.put(bytes('key', a.key, KEY));
    fw.exports.derive_alg_key(k, int('distinguisher', a.distinguisher, 1, 6), int('algId', a.algId, 0, 15));
    return fw.take(0, 16);
  }

  /** TS 33.501 A.8 KNASenc and KNASint from KAMF for the selected NEA/NIA. */
  nasKeys(a: { kamf: Uint8Array; nea: number; nia: number }): { knasenc: Uint8Array; knasint: Uint8Array } {
    const fw = this.fw.begin();
    const k = fw.put(bytes('kamf', a.kamf, KEY));
    fw.exports.derive_nas_keys(k, int('nea', a.nea, 0, 15), int('nia', a.nia, 0, 15));
    return { knasenc: fw.take(...NAS_KEYS_OUT.knasenc), knasint: fw.take(...NAS_KEYS_OUT.knasint) };
  }

  /** TS 33.501 A.9 KgNB (3GPP access) or KN3IWF (non-3GPP) from KAMF and the UL NAS COUNT. */
  kgnb(a: { kamf: Uint8Array; ulCount: number; access?: Access }): Uint8Array {
    const fw = this.fw.begin();
    const access = oneOf('access', a.access ?? '3gpp', ['3gpp', 'non3gpp'] as const);
    const k = fw.put(bytes('kamf', a.kamf, KEY));
    fw.exports.derive_kgnb(k, u32('ulCount', a.ulCount), access === '3gpp' ? 1 : 2);
    return fw.take(0, 32);
  }

  /** TS 33.501 A.10 NH = KDF(KAMF, 0x6F, SYNC-input). */
  nh(a: { kamf: Uint8Array; sync: Uint8Array }): Uint8Array {
    return this.twoKeys('derive_nh', 'kamf', a.kamf, 'sync', a.sync);
  }

  /** TS 33.501 A.11 (gNB) / A.12 (ng-eNB) KNG-RAN* with PCI (2 octets) and ARFCN-DL (3 octets). */
  kngRanStar(a: { key: Uint8Array; target?: CellTarget; pci: number; arfcnDl: number }): Uint8Array {
    const fw = this.fw.begin();
    const target = oneOf('target', a.target ?? 'gnb', ['gnb', 'ng-enb'] as const);
    const gnb = target === 'gnb';
    const k = fw.put(bytes('key', a.key, KEY));
    fw.exports.derive_kng_ran_star(k, gnb ? 0 : 1, int('pci', a.pci, 0, gnb ? 1007 : 503), int('arfcnDl', a.arfcnDl, 0, gnb ? 3279165 : 262143));
    return fw.take(0, 32);
  }

  /** TS 33.501 A.13 KAMF′ = KDF(KAMF, 0x72, DIRECTION, COUNT): direction 0 with the UL NAS COUNT
   *  of the Registration Request (idle mobility), 1 with the DL NAS COUNT (handover). */
  kamfPrime(a: { kamf: Uint8Array; direction: number; count: number }): Uint8Array {
    const fw = this.fw.begin();
    const k = fw.put(bytes('kamf', a.kamf, KEY));
    fw.exports.derive_kamf_prime(k, int('direction', a.direction, 0, 1), u32('count', a.count));
    return fw.take(0, 32);
  }

  /** TS 33.501 A.14.1 (idle: UL NAS COUNT) / A.14.2 (ho: DL NAS COUNT) K′ASME from KAMF. */
  kasmePrime(a: { kamf: Uint8Array; mode: MobilityMode; count: number }): Uint8Array {
    const fw = this.fw.begin();
    const mode = oneOf('mode', a.mode, ['idle', 'ho'] as const);
    const k = fw.put(bytes('kamf', a.kamf, KEY));
    fw.exports.derive_kasme_prime(k, mode === 'ho' ? 1 : 0, u32('count', a.count));
    return fw.take(0, 32);
  }

  /** TS 33.501 A.15.1 K′AMF from KASME, idle mobility (UL EPS NAS COUNT of the TAU). */
  kamfFromKasmeIdle(a: { kasme: Uint8Array; ulCount: number }): Uint8Array {
    return this.keyAndInt('derive_kamf_from_kasme_idle', 'kasme', a.kasme, 'ulCount', a.ulCount, 0xffffffff);
  }

  /** TS 33.501 A.15.2 K′AMF from KASME, handover (NH). */
  kamfFromKasmeHo(a: { kasme: Uint8Array; nh: Uint8Array }): Uint8Array {
    return this.twoKeys('derive_kamf_from_kasme_ho', 'kasme', a.kasme, 'nh', a.nh);
  }

  /** TS 33.501 A.16 KSN from KgNB (or KeNB) and the SN Counter. */
  ksn(a: { key: Uint8Array; snCounter: number }): Uint8Array {
    return this.keyAndInt('derive_ksn', 'key', a.key, 'snCounter', a.snCounter, 0xffff);
  }

  /** TS 33.501 A.21 KASME_SRVCC = KDF(KAMF, 0x7D, DL NAS COUNT). */
  kasmeSrvcc(a: { kamf: Uint8Array; dlCount: number }): Uint8Array {
    return this.keyAndInt('derive_kasme_srvcc', 'kamf', a.kamf, 'dlCount', a.dlCount, 0xffffffff);
  }

  /** TS 33.401 A.2 KASME = KDF(CK‖IK, 0x10, SN id, SQN⊕AK). */
  kasme(a: { ck: Uint8Array; ik: Uint8Array; snId: Uint8Array; sqnXorAk: Uint8Array }): Uint8Array {
    const fw = this.fw.begin();
    const ckIk = fw.put(ckik(a.ck, a.ik)), s = fw.put(bytes('snId', a.snId, 3)), x = fw.put(bytes('sqnXorAk', a.sqnXorAk, 6));
    fw.exports.derive_kasme(ckIk, s, x);
    return fw.take(0, 32);
  }

  /** TS 33.401 A.3 KeNB = KDF(KASME, 0x11, UL NAS COUNT). */
  kenb(a: { kasme: Uint8Array; ulCount: number }): Uint8Array {
    return this.keyAndInt('derive_kenb', 'kasme', a.kasme, 'ulCount', a.ulCount, 0xffffffff);
  }

  /** TS 33.401 A.4 NH = KDF(KASME, 0x12, SYNC-input). */
  nhEps(a: { kasme: Uint8Array; sync: Uint8Array }): Uint8Array {
    return this.twoKeys('derive_nh_eps', 'kasme', a.kasme, 'sync', a.sync);
  }

  /** TS 33.401 A.5 KeNB* from KeNB or NH, target PCI and EARFCN-DL. */
  kenbStar(a: { key: Uint8Array; pci: number; earfcnDl: number }): Uint8Array {
    const fw = this.fw.begin();
    const k = fw.put(bytes('key', a.key, KEY));
    fw.exports.derive_kenb_star(k, int('pci', a.pci, 0, 503), int('earfcnDl', a.earfcnDl, 0, 262143));
    return fw.take(0, 32);
  }

  /** TS 33.401 A.7 algorithm key (128 bits): distinguisher 1 NAS-enc … 6 UP-int. */
  epsAlgKey(a: { key: Uint8Array; distinguisher: number; algId: number }): Uint8Array {
    const fw = this.fw.begin();
    const k = fw.put(bytes('key', a.key, KEY));
    fw.exports.derive_eps_alg_key(k, int('distinguisher', a.distinguisher, 1, 6), int('algId', a.algId, 0, 15));
    return fw.take(0, 16);
  }

  /** TS 33.401 A.12 CKSRVCC ‖ IKSRVCC = KDF(KASME, 0x1A, DL NAS COUNT). */
  ckIkSrvcc(a: { kasme: Uint8Array; dlCount: number }): { ck: Uint8Array; ik: Uint8Array } {
    const fw = this.fw.begin();
    const k = fw.put(bytes('kasme', a.kasme, KEY));
    fw.exports.derive_ck_ik_srvcc(k, u32('dlCount', a.dlCount));
    return { ck: fw.take(...CK_IK_OUT.ck), ik: fw.take(...CK_IK_OUT.ik) };
  }

  /** TS 33.401 A.19 S-KgNB = KDF(KeNB, 0x1C, SCG Counter). */
  sKgnb(a: { kenb: Uint8Array; scgCounter: number }): Uint8Array {
    return this.keyAndInt('derive_s_kgnb', 'kenb', a.kenb, 'scgCounter', a.scgCounter, 0xffff);
  }

  /** Wipe the module's key cache, hash contexts, S buffer, scratch and mailboxes. */
  wipeScratch(): void { this.fw.exports.wipe_scratch(); }

  private twoKeys(op: TwoKeyExport, f1: string, k1: Uint8Array, f2: string, k2: Uint8Array): Uint8Array {
    const fw = this.fw.begin();
    const a = fw.put(bytes(f1, k1, KEY)), b = fw.put(bytes(f2, k2, KEY));
    fw.exports[op](a, b);
    return fw.take(0, 32);
  }

  private keyAndInt(op: KeyAndIntExport, fk: string, key: Uint8Array, fi: string, v: number, max: number): Uint8Array {
    const fw = this.fw.begin();
    const k = fw.put(bytes(fk, key, KEY));
    fw.exports[op](k, int(fi, v, 0, max));
    return fw.take(0, 32);
  }
}

/** The EAP peer identity as octets: 1–TEXT_MAX of them (RFC 9048 3.3 uses the identity exactly as
 *  sent; an empty identity is refused, a modelling choice: EAP-AKA′ always has one). */
function identityOctets(v: unknown): Uint8Array {
  if (typeof v !== 'string') return bytes('identity', v, [1, TEXT_MAX]);
  const b = new TextEncoder().encode(v);
  if (b.length === 0) throw new InputError('identity', 'must not be empty', v);
  if (b.length > TEXT_MAX) throw new InputError('identity', `must be at most ${TEXT_MAX} bytes (UTF-8), got ${b.length}`, v);
  return b;
}

/** KEY = CK ‖ IK, each 16 octets. */
function ckik(ck: Uint8Array, ik: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  out.set(bytes('ck', ck, 16), 0);
  out.set(bytes('ik', ik, 16), 16);
  return out;
}

/** TS 33.501 A.7.0: P0 is the SUPI value (IMSI digits or NAI) without its type prefix. */
export function supiValue(supi: string): string {
  const m = /^(imsi|nai)-(.+)$/i.exec(supi);
  return m ? m[2] : supi;
}
