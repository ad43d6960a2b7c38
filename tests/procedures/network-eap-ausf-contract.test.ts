// The EAP-AKA′ server model (host/network/ausf-eap.ts) by its documented contract (issue 16:
// Stryker survivors): the AKA′-Challenge of TS 33.501 6.1.3.1 steps 3–5 (RFC 9048, RFC 4187 layout),
// the checks of step 7 (identifier, AT_MAC, AT_RES), KAUSF = EMSK[0..32) and KSEAF (A.6) on success,
// every EAP-Failure with its reason, the Identity round (Annex F.2), the KDF negotiation (RFC 9048
// 3.2), the resynchronisation (6.1.3.3.2) and the steps it traces. The responses are written here
// octet by octet (RFC 4187 8.1, 10); the vector with host/reference (node:crypto MILENAGE), MK
// and K_aut with host/reference/eap-aka-prime.ts, MACs and KSEAF with node:crypto HMAC.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EapAusf, atMac } from '../../host/network/ausf-eap.js';
import { NetworkStateError } from '../../host/network/ausf.js';
import { InputError } from '../../host/errors.js';
import { Udm } from '../../host/network/udm.js';
import { eapAkaPrimeRef } from '../../host/reference/eap-aka-prime.js';
import { milenageRef, sqnBytes } from '../../host/reference/milenage.js';
import { hex, toHex } from '../helpers.js';

const SUPI = '001010000000001';
const K = hex('465b5ce8b199b49faa5f0a2ee238a6bc'), OPC = hex('cd63cb71954a9f4e48a5994e37a02baf'); // TS 35.208 Test Set 1
const SNN = '5G:mnc001.mcc001.3gppnetwork.org';
const RAND = new Uint8Array(16).fill(0x23);
const AMF = Uint8Array.of(0x80, 0);

function server() {
  const udm = new Udm(undefined, (n) => RAND.slice(0, n));
  udm.provision({ supi: SUPI, algorithm: 'milenage', k: K, opc: OPC });
  return { udm, ausf: new EapAusf(udm), trace: udm.trace };
}
/** The vector the UDM makes for the n-th challenge (SQN = n ‖ IND n−1, TS 33.102 C.1.1) and its keys. */
function expected(n = 1) {
  const sqn = sqnBytes((BigInt(n) << 5n) | BigInt(n - 1));
  const f = milenageRef(K, OPC, RAND, sqn, AMF);
  const sqnXorAk = sqn.map((b, i) => b ^ f.ak[i]);
  return { f, autn: Uint8Array.of(...sqnXorAk, ...AMF, ...f.macA), keys: eapAkaPrimeRef(f.ck, f.ik, SNN, sqnXorAk, SUPI) };
}
// ---- RFC 4187 8.1: code, id, length(2), type 50, subtype, reserved(2), attributes
function packet(code: number, id: number, subtype: number, attrs: number[][]): Uint8Array {
  const body = attrs.flat(), len = 8 + body.length;
  return Uint8Array.of(code, id, len >> 8, len & 0xff, 50, subtype, 0, 0, ...body);
}
const AT_MAC_ZERO = [11, 5, 0, 0, ...new Array(16).fill(0)];
const atRes = (res: Uint8Array) => [3, 1 + res.length / 4, 0, res.length * 8, ...res];
function withMac(kAut: Uint8Array, p: Uint8Array): Uint8Array {
  const at = p.length - 16; // AT_MAC is written last
  p.set(createHmac('sha256', kAut).update(p).digest().subarray(0, 16), at);
  return p;
}
const challengeResponse = (id: number, kAut: Uint8Array, res: Uint8Array) => withMac(kAut, packet(2, id, 1, [atRes(res), AT_MAC_ZERO]));
function attributes(p: Uint8Array): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (let i = 8; i < p.length; i += p[i + 1] * 4) out.push([p[i], toHex(p.slice(i + 2, i + p[i + 1] * 4))]);
  return out;
}
const lastStep = (t: { steps: { event: string; clause?: string; values: Record<string, unknown> }[] }) => t.steps.at(-1)!;

describe('TS 33.501 6.1.3.1 steps 1–5: the AKA′-Challenge', () => {
  it('RAND, AUTN of the UDM\'s AV′, AT_KDF 1, AT_KDF_INPUT = the serving network name, AT_MAC = HMAC-SHA-256-128(K_aut, packet); identifier 1; both steps traced', () => {
    const { ausf, trace } = server();
    const p = ausf.start(SUPI, SNN);
    const { autn, f, keys } = expected();
    const snn = Buffer.from(SNN);
    expect([...p.subarray(0, 2), p[4], p[5]]).toEqual([1, 1, 50, 1]);
    expect(attributes(p)).toEqual([[1, '0000' + toHex(RAND)], [2, '0000' + toHex(autn)], [24, '0001'],
      [23, toHex(Uint8Array.of(0, snn.length, ...snn, ...new Array((4 - ((4 + snn.length) % 4)) % 4).fill(0)))], [11, '0000' + toHex(p.slice(-16))]]);
    expect(toHex(p.slice(-16))).toBe(toHex(withMac(keys.kAut, Uint8Array.of(...p.slice(0, -16), ...new Array(16).fill(0))).slice(-16)));
    expect(trace.steps.map((s) => [s.from, s.clause])).toEqual([['AUSF', 'TS 33.501 6.1.3.1 step 1'], ['AUSF', 'TS 33.501 6.1.3.1 step 3'], ['AUSF', 'TS 33.501 6.1.3.1 steps 4–5']]);
    expect(trace.steps[0].event).toBe(`SEAF → AUSF: Nausf_UEAuthentication_Authenticate Request (SUPI ${SUPI}, SNN ${SNN}); EAP-AKA′ selected`);
    expect(lastStep(trace).event).toBe('MK, K_aut (RFC 9048 3.3); AUSF → SEAF: EAP-Request/AKA′-Challenge (id 1)');
    expect(lastStep(trace).values).toEqual({ rand: toHex(RAND), autn: toHex(autn), xres: toHex(f.res), k_aut: toHex(keys.kAut), at_mac: toHex(p.slice(-16)) });
  });

  it('options: the offered AT_KDF list and AT_KDF_INPUT as given; a corrupted AT_MAC differs in its first bit and is traced as such', () => {
    const { ausf, trace } = server();
    const p = ausf.start(SUPI, SNN, { kdfs: [2, 1], kdfInput: 'x', corruptMac: true });
    const { keys } = expected();
    expect(attributes(p).filter(([t]) => t === 24 || t === 23)).toEqual([[24, '0002'], [24, '0001'], [23, '000178000000']]);
    const good = withMac(keys.kAut, Uint8Array.of(...p.slice(0, -16), ...new Array(16).fill(0))).slice(-16);
    expect(toHex(p.slice(-16))).toBe(toHex(Uint8Array.of(good[0] ^ 1, ...good.subarray(1))));
    expect(lastStep(trace).event).toBe('MK, K_aut (RFC 9048 3.3); AUSF → SEAF: EAP-Request/AKA′-Challenge (id 1) — AT_MAC corrupted');
  });

  it('option amf: the vector\'s AMF field (AUTN octets 7–8) is the one given, e.g. without the separation bit', () => {
    const { ausf } = server();
    const p = ausf.start(SUPI, SNN, { amf: Uint8Array.of(0, 0) });
    expect(toHex(p.slice(38, 40))).toBe('0000'); // AT_AUTN at 28, its value at 32 (after type, length, 2 reserved): SQN ⊕ AK (6), AMF (2)
    expect(attributes(p)[1][1].slice(4 + 12, 4 + 16)).toBe('0000');
  });

  it('atMac (RFC 4187 10.15): the MAC over the packet with its MAC field zeroed, the caller\'s packet left as it was', () => {
    const p = Uint8Array.from({ length: 40 }, (_, i) => i);
    const k = new Uint8Array(32).fill(7);
    const z = p.slice(); z.fill(0, 20, 36);
    expect(toHex(atMac(k, p, 20))).toBe(createHmac('sha256', k).update(z).digest('hex').slice(0, 32));
    expect(toHex(p)).toBe(toHex(Uint8Array.from({ length: 40 }, (_, i) => i)));
  });

  it('RFC 3748 4.1: each new request takes the next identifier, modulo 256', () => {
    const { ausf } = server();
    const ids = Array.from({ length: 257 }, () => ausf.start(SUPI, SNN)[1]);
    expect([ids[0], ids[254], ids[255], ids[256]]).toEqual([1, 255, 0, 1]);
  });
});

describe('TS 33.501 6.1.3.1 steps 7–9: AT_MAC and AT_RES verified, then KAUSF = EMSK[0..32) and KSEAF = A.6(KAUSF, SNN)', () => {
  it('a correct response: EAP-Success with the response\'s identifier, the SUPI, KAUSF and KSEAF (node:crypto), KAUSF kept per SUPI as a copy; the run is over', () => {
    const { ausf, trace } = server();
    ausf.start(SUPI, SNN);
    const { f, keys } = expected();
    const r = ausf.handleResponse(challengeResponse(1, keys.kAut, f.res));
    if (r.kind !== 'success') throw new Error(JSON.stringify(r));
    const kseaf = createHmac('sha256', keys.kausf).update(Buffer.from([0x6c, ...Buffer.from(SNN), 0, SNN.length])).digest('hex');
    expect([toHex(r.eap), r.supi, toHex(r.kausf), toHex(r.kseaf)]).toEqual(['03010004', SUPI, toHex(keys.kausf), kseaf]);
    const kept = ausf.kausf(SUPI)!;
    kept.fill(0);
    expect(toHex(ausf.kausf(SUPI)!)).toBe(toHex(keys.kausf));
    expect(ausf.kausf('001010000000002')).toBeUndefined();
    const [s7, s9] = trace.steps.slice(-2);
    expect([s7.clause, s7.event, s7.values]).toEqual(['TS 33.501 6.1.3.1 step 7', 'SEAF → AUSF: EAP-Response/AKA′-Challenge; AUSF: AT_MAC verified, AT_RES = XRES', { res: toHex(f.res), xres: toHex(f.res), at_mac: toHex(challengeResponse(1, keys.kAut, f.res).slice(-16)) }]);
    expect([s9.clause, s9.event, s9.values]).toEqual(['TS 33.501 6.1.3.1 steps 8–9', 'KAUSF = EMSK[0..32), KSEAF (A.6); AUSF → SEAF: EAP-Success, SUPI, KSEAF', { emsk: toHex(keys.emsk), kausf: toHex(keys.kausf), kseaf }]);
    expect(() => ausf.handleResponse(challengeResponse(1, keys.kAut, f.res))).toThrow(NetworkStateError);
    expect(() => ausf.handleResponse(challengeResponse(1, keys.kAut, f.res))).toThrow('AUSF: no EAP-AKA′ run in progress');
  });

  it('no run started: a response is a state error', () => {
    expect(() => server().ausf.handleResponse(packet(2, 1, 1, []))).toThrow('AUSF: no EAP-AKA′ run in progress');
  });

  const failures: [string, (kAut: Uint8Array, res: Uint8Array) => Uint8Array, string][] = [
    ['an EAP-Request instead of a response', (k, res) => withMac(k, packet(1, 1, 1, [atRes(res), AT_MAC_ZERO])), 'not an EAP-Response/AKA′ (code 1, type 50)'],
    ['another EAP method', () => Uint8Array.of(2, 1, 0, 6, 23, 1), 'not an EAP-Response/AKA′ (code 2, type 23)'],
    ['another identifier', (k, res) => challengeResponse(2, k, res), 'EAP identifier 2 does not match the request\'s 1 (RFC 3748 4.1)'],
    ['a wrong AT_MAC', (k, res) => { const p = challengeResponse(1, k, res); p[p.length - 1] ^= 1; return p; }, 'AT_MAC of the response does not verify'],
    ['a wrong AT_RES', (k, res) => challengeResponse(1, k, res.map((b) => b ^ 0xff)), 'AT_RES does not equal XRES'],
    ['a malformed AT_RES', (k, res) => withMac(k, packet(2, 1, 1, [[3, 3, 0, 200, ...res], AT_MAC_ZERO])), 'AT_RES does not equal XRES'],
    ['no AT_MAC', (k, res) => packet(2, 1, 1, [atRes(res)]), 'EAP-Response/AKA′-Challenge without AT_MAC'],
    ['Authentication-Reject', () => packet(2, 1, 2, []), 'the UE sent EAP-Response/AKA′-Authentication-Reject'],
    ['Client-Error', () => packet(2, 1, 14, [[22, 1, 0, 0]]), 'the UE sent EAP-Response/AKA′-Client-Error'],
    ['a Notification subtype', () => packet(2, 1, 12, []), 'unexpected subtype 12'],
    ['Synchronization-Failure without AT_AUTS', () => packet(2, 1, 4, []), 'Synchronization-Failure without AT_AUTS'],
    ['Synchronization-Failure with an AUTS whose MAC-S fails', () => packet(2, 1, 4, [[4, 4, ...new Array(14).fill(0x5a)]]), 'AUTS rejected by the UDM (MAC-S)'],
  ];
  for (const [what, make, reason] of failures) {
    it(`${what}: EAP-Failure with the request's identifier and the reason, traced; the run is over`, () => {
      const { ausf, trace } = server();
      ausf.start(SUPI, SNN);
      const { f, keys } = expected();
      const r = ausf.handleResponse(make(keys.kAut, f.res));
      expect(r).toEqual({ kind: 'failure', eap: Uint8Array.of(4, 1, 0, 4), reason });
      expect([lastStep(trace).clause, lastStep(trace).event]).toEqual(['TS 33.501 6.1.3.1', `EAP-AKA′ failed (${reason}); AUSF → SEAF: EAP-Failure`]);
      expect(ausf.kausf(SUPI)).toBeUndefined();
      expect(() => ausf.handleResponse(challengeResponse(1, keys.kAut, f.res))).toThrow(NetworkStateError);
    });
  }

  it('a malformed AT_RES is traced as an empty RES at step 7', () => {
    const { ausf, trace } = server();
    ausf.start(SUPI, SNN);
    const { f, keys } = expected();
    ausf.handleResponse(withMac(keys.kAut, packet(2, 1, 1, [[3, 3, 0, 200, ...f.res], AT_MAC_ZERO])));
    expect(trace.steps.at(-2)!.values.res).toBe('');
  });

  it('the step-7 trace says which check failed: AT_MAC WRONG, AT_RES ≠ XRES', () => {
    const { ausf, trace } = server();
    ausf.start(SUPI, SNN);
    const { f, keys } = expected();
    const p = challengeResponse(1, keys.kAut, f.res.map((b) => b ^ 1));
    p[p.length - 1] ^= 1;
    ausf.handleResponse(p);
    expect(trace.steps.at(-2)!.event).toBe('SEAF → AUSF: EAP-Response/AKA′-Challenge; AUSF: AT_MAC WRONG, AT_RES ≠ XRES');
  });
});

describe('Annex F.2, RFC 9048 3.2, TS 33.501 6.1.3.3.2: the rounds before a verified challenge', () => {
  it('identity first: EAP-Request/AKA′-Identity with AT_FULLAUTH_ID_REQ; the AKA′-Identity response gets the challenge with the next identifier; both traced', () => {
    const { ausf, trace } = server();
    const p = ausf.start(SUPI, SNN, { identityFirst: true });
    expect(toHex(p)).toBe(toHex(packet(1, 1, 5, [[17, 1, 0, 0]])));
    expect([lastStep(trace).clause, lastStep(trace).event]).toEqual(['TS 33.501 Annex F.2', 'AUSF → SEAF: EAP-Request/AKA′-Identity (AT_FULLAUTH_ID_REQ)']);
    const id = Buffer.from('0' + SUPI + '@nai.5gc');
    const r = ausf.handleResponse(packet(2, 1, 5, [[14, (4 + id.length + 3) >> 2, 0, id.length, ...id, ...new Array((4 - ((4 + id.length) % 4)) % 4).fill(0)]]));
    if (r.kind !== 'request') throw new Error(JSON.stringify(r));
    expect([r.eap[1], r.eap[5]]).toEqual([2, 1]);
    const idStep = trace.steps.find((s) => s.event.startsWith('SEAF → AUSF: EAP-Response/AKA′-Identity'))!;
    expect([idStep.clause, idStep.event]).toEqual(['TS 33.501 Annex F.2', `SEAF → AUSF: EAP-Response/AKA′-Identity (0${SUPI}@nai.5gc)`]);
    const { f, keys } = expected();
    expect(ausf.handleResponse(challengeResponse(2, keys.kAut, f.res)).kind).toBe('success');
  });

  it('an AKA′-Identity response without AT_IDENTITY still gets the challenge (traced with an empty identity)', () => {
    const { ausf, trace } = server();
    ausf.start(SUPI, SNN, { identityFirst: true });
    expect(ausf.handleResponse(packet(2, 1, 5, [])).kind).toBe('request');
    expect(trace.steps.some((s) => s.event === 'SEAF → AUSF: EAP-Response/AKA′-Identity ()')).toBe(true);
  });

  it('an AT_IDENTITY whose actual length overruns the attribute is refused naming AT_IDENTITY (RFC 4187 10.12)', () => {
    const { ausf } = server();
    ausf.start(SUPI, SNN, { identityFirst: true });
    try { ausf.handleResponse(packet(2, 1, 5, [[14, 2, 0, 9, 0x30, 0x30, 0x30, 0x30]])); } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).field).toBe('AT_IDENTITY');
      return;
    }
    throw new Error('expected an InputError');
  });

  it('RFC 9048 3.2 with the default offer (KDF 1 only): a response asking for KDF 1 gets a new challenge listing KDF 1, then the original list [1]', () => {
    const { ausf } = server();
    ausf.start(SUPI, SNN);
    const r = ausf.handleResponse(packet(2, 1, 1, [[24, 1, 0, 1]]));
    if (r.kind !== 'request') throw new Error(JSON.stringify(r));
    expect(attributes(r.eap).filter(([t]) => t === 24).map(([, v]) => v)).toEqual(['0001', '0001']);
  });

  it('RFC 9048 3.2: a response without AT_MAC naming one offered KDF gets a new challenge listing that KDF first, then the original list; a KDF not offered is a failure', () => {
    const { ausf, trace } = server();
    ausf.start(SUPI, SNN, { kdfs: [2, 1] });
    const r = ausf.handleResponse(packet(2, 1, 1, [[24, 1, 0, 1]]));
    if (r.kind !== 'request') throw new Error(JSON.stringify(r));
    expect(attributes(r.eap).filter(([t]) => t === 24).map(([, v]) => v)).toEqual(['0001', '0002', '0001']);
    expect(r.eap[1]).toBe(2);
    expect(trace.steps.find((s) => s.clause === 'RFC 9048 3.2')!.event).toBe('SEAF → AUSF: EAP-Response/AKA′-Challenge asking for KDF 1: new challenge');

    const other = server();
    other.ausf.start(SUPI, SNN);
    expect(other.ausf.handleResponse(packet(2, 1, 1, [[24, 1, 0, 7]]))).toMatchObject({ kind: 'failure', reason: 'EAP-Response/AKA′-Challenge without AT_MAC' });
    const two = server();
    two.ausf.start(SUPI, SNN, { kdfs: [2, 1] });
    expect(two.ausf.handleResponse(packet(2, 1, 1, [[24, 1, 0, 1], [24, 1, 0, 2]]))).toMatchObject({ kind: 'failure', reason: 'EAP-Response/AKA′-Challenge without AT_MAC' });
  });

  it('Synchronization-Failure with a valid AUTS: the UDM resynchronises (SEQ_HE := SEQ_MS) and a new challenge follows, traced with RAND and AUTS', () => {
    const { ausf, udm, trace } = server();
    ausf.start(SUPI, SNN);
    const sqnMs = sqnBytes(40n << 5n);
    const f = milenageRef(K, OPC, RAND, sqnMs, Uint8Array.of(0, 0));
    const auts = Uint8Array.of(...sqnMs.map((b, i) => b ^ f.akStar[i]), ...f.macS);
    const r = ausf.handleResponse(packet(2, 1, 4, [[4, 4, ...auts]]));
    expect([r.kind, udm.seqHe(SUPI)]).toEqual(['request', 41n]); // SEQ_MS 40, then the new challenge's vector
    const s = trace.steps.find((t) => t.clause === 'TS 33.501 6.1.3.3.2' && t.event.startsWith('AUSF → UDM'))!;
    expect([s.event, s.values]).toEqual(['AUSF → UDM: Nudm_UEAuthentication_Get Request (synchronisation failure: RAND, AUTS)', { rand: toHex(RAND), auts: toHex(auts) }]);
  });
});
