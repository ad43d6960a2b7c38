// The raw derivation exports (assembly/me/abi/derive.ts, abi/check.ts, abi/aka.ts) at the edges of
// their documented input ranges: fixed-length inputs "read from IO_IN at the given offsets" may
// end at the mailbox's last octet; the value ranges of each export's doc comment (PCI, ARFCN,
// counters, RES length, EAP packet length) hold exactly; variable-length inputs are limited only
// by the mailbox and by S fitting KDF_S (4,608 octets, assembly/me/memory.ts). The host API never
// sends these values, so the firmware mutation runner (issue 16) found the checks unread
// (`RAND_LEN 16 → 17`, `MAX_PCI_NR 1007 → 1008`, `reqLen < 8 → <= 8`, … survived). Expected
// values: host/reference (node:crypto HMAC-SHA-256 over the TS 33.220 B.2 string).
import { beforeEach, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { instantiateSync } from '../../host/firmware/loader.js';
import { SLOT, SLOT_OFF, CTX_TYPE } from '../../host/firmware/abi.generated.js';
import { ref } from '../../host/reference/kdf.js';
import { eapAkaPrimeRef } from '../../host/reference/eap-aka-prime.js';
import { toHex } from '../helpers.js';

type Fw = ReturnType<typeof instantiateSync>;
let fw: Fw;
beforeEach(() => { fw = instantiateSync('ue'); });
const status = (name: string) => fw.constant(`STATUS_${name}`);
const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const ascii = (s: string) => new TextEncoder().encode(s);
const CK = bytes(16, 1), IK = bytes(16, 2), KEY = bytes(32, 3);
const SNN = '5G:mnc001.mcc001.3gppnetwork.org';
/** A refused call returns `want` and leaves all 65,536 octets of module memory as they were. */
function refused(want: string, name: string, ...args: number[]): void {
  const before = fw.snapshot();
  expect(fw.tryCall(name, ...args), `${name}(${args})`).toBe(status(want));
  expect(Buffer.compare(Buffer.from(fw.snapshot()), Buffer.from(before)), `${name}(${args}) changed memory`).toBe(0);
}
const out = (n: number) => toHex(fw.take(0, n));
const last = (n: number) => fw.inLen - n;

describe('fixed-length inputs may end at the last octet of IO_IN (RAND 16, SQN ⊕ AK 6, RES* 16, AT_MAC 16)', () => {
  it('A.4 RES*: RAND in the last 16 octets', () => {
    const rand = bytes(16, 9), res = bytes(8, 4);
    fw.putAt(0, Uint8Array.from([...CK, ...IK])); fw.putAt(32, ascii(SNN)); fw.putAt(100, res); fw.putAt(last(16), rand);
    expect(fw.tryCall('derive_res_star', 0, 32, SNN.length, last(16), 100, 8)).toBe(0);
    expect(out(16)).toBe(toHex(ref.resStar(CK, IK, SNN, rand, res)));
  });
  it('A.2 KAUSF: SQN ⊕ AK in the last 6 octets', () => {
    const sqn = bytes(6, 5);
    fw.putAt(0, Uint8Array.from([...CK, ...IK])); fw.putAt(32, ascii(SNN)); fw.putAt(last(6), sqn);
    expect(fw.tryCall('derive_kausf', 0, 32, SNN.length, last(6))).toBe(0);
    expect(out(32)).toBe(toHex(ref.kausf(CK, IK, SNN, sqn)));
  });
  it('A.5 HRES*: RES* in the last 16 octets', () => {
    const rand = bytes(16, 7), resStar = bytes(16, 8);
    fw.putAt(0, rand); fw.putAt(last(16), resStar);
    expect(fw.tryCall('derive_hres_star', 0, last(16))).toBe(0);
    expect(out(16)).toBe(toHex(ref.hresStar(rand, resStar)));
  });
});

describe('a serving network name / access network identity shorter than the fixed inputs is accepted (only an empty one is refused)', () => {
  // The doc comments: "any non-empty string"; S still fits KDF_S, so no length check may refuse it.
  it('A.2 KAUSF, A.3 CK′ ‖ IK′ and A.4 RES* with a 3-octet name "5G:"; 0 octets → STATUS_ERR_LENGTH', () => {
    const sqn = bytes(6, 5), rand = bytes(16, 9), res = bytes(4, 4);
    fw.putAt(0, Uint8Array.from([...CK, ...IK])); fw.putAt(32, ascii('5G:')); fw.putAt(40, sqn); fw.putAt(48, rand); fw.putAt(64, res);
    expect(fw.tryCall('derive_kausf', 0, 32, 3, 40)).toBe(0);
    expect(out(32)).toBe(toHex(ref.kausf(CK, IK, '5G:', sqn)));
    expect(fw.tryCall('derive_ck_ik_prime', 0, 32, 3, 40)).toBe(0);
    const p = ref.ckIkPrime(CK, IK, '5G:', sqn);
    expect(out(32)).toBe(toHex(Uint8Array.from([...p.ckPrime, ...p.ikPrime])));
    expect(fw.tryCall('derive_res_star', 0, 32, 3, 48, 64, 4)).toBe(0);
    expect(out(16)).toBe(toHex(ref.resStar(CK, IK, '5G:', rand, res)));
    refused('ERR_LENGTH', 'derive_kausf', 0, 32, 0, 40);
    refused('ERR_LENGTH', 'derive_ck_ik_prime', 0, 32, 0, 40);
  });
  it('A.4 RES*: RES of 16 octets (128 bits, TS 33.102) accepted, 17 → STATUS_ERR_LENGTH', () => {
    const rand = bytes(16, 9), res = bytes(17, 4);
    fw.putAt(0, Uint8Array.from([...CK, ...IK])); fw.putAt(32, ascii(SNN)); fw.putAt(100, rand); fw.putAt(200, res);
    expect(fw.tryCall('derive_res_star', 0, 32, SNN.length, 100, 200, 16)).toBe(0);
    expect(out(16)).toBe(toHex(ref.resStar(CK, IK, SNN, rand, res.subarray(0, 16))));
    refused('ERR_LENGTH', 'derive_res_star', 0, 32, SNN.length, 100, 200, 17);
  });
});

describe('A.7 KAMF: a non-empty SUPI, ABBA ≥ 2 octets, S = FC ‖ SUPI ‖ L0 ‖ ABBA ‖ L1 within KDF_S (4,608 octets)', () => {
  const supiAt = 96, supiLen = 4096 - supiAt; // 4,000 octets of digits up to the mailbox's end (IO_IN_LEN 4,096)
  const digits = (n: number) => ascii(Array.from({ length: n }, (_, i) => String(i % 10)).join(''));
  it('a SUPI of 1 octet accepted; 0 octets → STATUS_ERR_LENGTH', () => {
    const abba = Uint8Array.of(0, 0);
    fw.putAt(0, KEY); fw.putAt(32, ascii('7')); fw.putAt(40, abba);
    expect(fw.tryCall('derive_kamf', 0, 32, 1, 40, 2)).toBe(0);
    expect(out(32)).toBe(toHex(ref.kamf(KEY, '7', abba)));
    refused('ERR_LENGTH', 'derive_kamf', 0, 32, 0, 40, 2);
  });
  it(`SUPI + ABBA = 4,603 octets (S = 4,608, all of KDF_S) accepted; 4,604 → STATUS_ERR_LENGTH`, () => {
    const supi = digits(supiLen);
    fw.putAt(0, KEY); fw.putAt(supiAt, supi);
    const abbaLen = 4603 - supiLen; // the ABBA overlaps the key and the SUPI's start in IO_IN (allowed)
    const abba = fw.snapshot().slice(fw.inPtr, fw.inPtr + abbaLen);
    expect(fw.tryCall('derive_kamf', 0, supiAt, supiLen, 0, abbaLen)).toBe(0);
    expect(out(32)).toBe(toHex(ref.kamf(KEY, new TextDecoder().decode(supi), abba)));
    refused('ERR_LENGTH', 'derive_kamf', 0, supiAt, supiLen, 0, abbaLen + 1);
  });
  it('aka_5g: SUPI + ABBA = 4,603 octets accepted (slot NEW = A.2 → A.6 → A.7 KAMF); 4,604 → STATUS_ERR_LENGTH', () => {
    const supi = digits(supiLen), rand = bytes(16, 9), res = bytes(8, 4), sqn = bytes(6, 5);
    fw.putAt(0, Uint8Array.from([...CK, ...IK])); fw.putAt(32, rand); fw.putAt(48, res); fw.putAt(56, sqn); fw.putAt(62, ascii(SNN.slice(0, 32)));
    fw.putAt(supiAt, supi);
    const snn = SNN.slice(0, 32), abbaLen = 4603 - supiLen;
    const abba = fw.snapshot().slice(fw.inPtr, fw.inPtr + abbaLen);
    const args = (n: number) => [0, 62, 32, 32, 48, 8, 56, supiAt, supiLen, 0, n, 2, 0];
    refused('ERR_LENGTH', 'aka_5g', ...args(abbaLen + 1));
    expect(fw.tryCall('aka_5g', ...args(abbaLen))).toBe(0);
    expect(out(16)).toBe(toHex(ref.resStar(CK, IK, snn, rand, res)));
    expect(fw.tryCall('ctx_read', SLOT.NEW)).toBe(0);
    const s = fw.take(0, 64);
    expect(s[SLOT_OFF.TYPE]).toBe(CTX_TYPE.PARTIAL_NATIVE);
    const kamf = ref.kamf(ref.kseaf(ref.kausf(CK, IK, snn, sqn), snn), new TextDecoder().decode(supi), abba);
    expect(toHex(s.subarray(SLOT_OFF.KAMF, SLOT_OFF.KAMF + 32))).toBe(toHex(kamf));
  });
});

describe('value ranges of the NG-RAN / E-UTRAN key exports hold to the last value', () => {
  it('A.11 KNG-RAN* towards a gNB: PCI 1007 (TS 38.211 7.4.2.1) and NR-ARFCN 3279165 (TS 38.104 5.4.2.1) accepted; 1008 / 3279166 → STATUS_ERR_VALUE', () => {
    fw.putAt(0, KEY);
    expect(fw.tryCall('derive_kng_ran_star', 0, 0, 1007, 3279165)).toBe(0);
    expect(out(32)).toBe(toHex(ref.kngRanStar(KEY, 'gnb', 1007, 3279165)));
    refused('ERR_VALUE', 'derive_kng_ran_star', 0, 0, 1008, 100);
    refused('ERR_VALUE', 'derive_kng_ran_star', 0, 0, 5, 3279166);
  });
  it('A.12 KNG-RAN* towards an ng-eNB and TS 33.401 A.5 KeNB*: PCI 503 (TS 36.211 6.11) accepted, 504 → STATUS_ERR_VALUE', () => {
    fw.putAt(0, KEY);
    expect(fw.tryCall('derive_kng_ran_star', 0, 1, 503, 100)).toBe(0);
    expect(out(32)).toBe(toHex(ref.kngRanStar(KEY, 'ng-enb', 503, 100)));
    refused('ERR_VALUE', 'derive_kng_ran_star', 0, 1, 504, 100);
    expect(fw.tryCall('derive_kenb_star', 0, 503, 100)).toBe(0);
    expect(out(32)).toBe(toHex(ref.kenbStar(KEY, 503, 100)));
    refused('ERR_VALUE', 'derive_kenb_star', 0, 504, 100);
  });
  it('A.16 KSN and TS 33.401 A.19 S-KgNB: counter 65535 (2 octets) accepted, 65536 → STATUS_ERR_VALUE', () => {
    fw.putAt(0, KEY);
    expect(fw.tryCall('derive_ksn', 0, 65535)).toBe(0);
    expect(out(32)).toBe(toHex(ref.ksn(KEY, 65535)));
    refused('ERR_VALUE', 'derive_ksn', 0, 65536);
    expect(fw.tryCall('derive_s_kgnb', 0, 65535)).toBe(0);
    expect(out(32)).toBe(toHex(ref.sKgnb(KEY, 65535)));
    refused('ERR_VALUE', 'derive_s_kgnb', 0, 65536);
  });
});

describe('eap_aka_prime_challenge: EAP packets of 8 octets (header 4, type/subtype/reserved 4) accepted, AT_MAC may end at the mailbox end', () => {
  // RFC 9048 3.4.2: AT_MAC = HMAC-SHA-256-128(K_aut, packet); TS 33.501 6.1.3.1: KAUSF = EMSK[0..32)
  const mac128 = (key: Uint8Array, m: Uint8Array) => new Uint8Array(createHmac('sha256', key).update(m).digest().subarray(0, 16));
  const ANI = SNN, ID = '0555444333222111', SQN = bytes(6, 5);
  const req = Uint8Array.of(1, 7, 0, 8, 50, 1, 0, 0), rsp = Uint8Array.of(2, 7, 0, 8, 50, 1, 0, 0);
  function place(reqLen: number, rspLen: number, macAt: number) {
    const k = eapAkaPrimeRef(CK, IK, ANI, SQN, ID);
    fw.putAt(0, Uint8Array.from([...CK, ...IK])); fw.putAt(32, ascii(ANI)); fw.putAt(80, SQN); fw.putAt(96, ascii(ID));
    fw.putAt(200, req); fw.putAt(300, rsp); fw.putAt(macAt, mac128(k.kAut, req.subarray(0, reqLen)));
    return [0, 32, ANI.length, 80, 96, ID.length, 200, reqLen, macAt, 300, rspLen];
  }
  it('8-octet request and response, AT_MAC in the last 16 octets: verified; OUT = the response MAC ‖ KAUSF', () => {
    const k = eapAkaPrimeRef(CK, IK, ANI, SQN, ID);
    expect(fw.tryCall('eap_aka_prime_challenge', ...place(8, 8, last(16)))).toBe(0);
    expect(out(48)).toBe(toHex(Uint8Array.from([...mac128(k.kAut, rsp), ...k.emsk.subarray(0, 32)])));
  });
  it('a 7-octet request or response → STATUS_ERR_LENGTH, nothing changed', () => {
    refused('ERR_LENGTH', 'eap_aka_prime_challenge', ...place(7, 8, 400));
    refused('ERR_LENGTH', 'eap_aka_prime_challenge', ...place(8, 7, 400));
  });
});
