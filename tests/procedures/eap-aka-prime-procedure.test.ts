// EAP-AKA′ on the UE (issue 14; TS 33.501 6.1.3.1, RFC 9048 / RFC 5448, RFC 4187, TS 24.501
// 5.4.1.2.2): the UE device model (USIM module + ME firmware + ME NVM) driven with AUTHENTICATION
// REQUEST bytes. The stimulus is built here octet by octet from the RFC 4187 8.1 / 10 layouts, the
// vector with host/reference (node:crypto MILENAGE and KDF, not the firmware), and every AT_MAC
// is computed here with node:crypto HMAC; so the UE is checked against things it did not compute.
// The differential test runs the UE against the EAP AUSF (host/network/ausf-eap.ts, node:crypto).
import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { servingNetworkName } from '../../host/ue/ue-aka.js';
import { suciNai } from '../../host/ue/ue-eap-aka-prime.js';
import { InputError, UeKeysError } from '../../host/errors.js';
import { MeStorage, ME_IMAGE_TYPE } from '../../host/ue/me-storage.js';
import { EapAusf } from '../../host/network/ausf-eap.js';
import { Udm } from '../../host/network/udm.js';
import * as M from '../../host/nas/messages.js';
import { NetworkNasContext } from '../../host/network/nas-security.js';
import { eapAkaPrimeRef } from '../../host/reference/eap-aka-prime.js';
import { ref } from '../../host/reference/kdf.js';
import { milenageRef, sqnBytes } from '../../host/reference/milenage.js';
import { Trace } from '../../host/trace.js';
import { World } from '../../host/scenarios/setup.js';
import { Amf } from '../../host/network/amf.js';
import { AtomicStore, MemoryMedium } from '../../host/storage/atomic-store.js';
import { UeDevice } from '../../host/ue/ue-device.js';
import { Usim } from '../../host/usim/usim.js';
import { instantiateSync } from '../../host/firmware/loader.js';
import { hex, runCli, toHex, UE_FILE } from '../helpers.js';

const SUPI = '001010000000001';
const K = hex('465b5ce8b199b49faa5f0a2ee238a6bc'), OPC = hex('cd63cb71954a9f4e48a5994e37a02baf'); // TS 35.208 Test Set 1
const SNN = servingNetworkName('001', '01');
const ABBA = Uint8Array.of(0, 0);

function newUe(sub: { supi: string; k: Uint8Array; opc: Uint8Array } = { supi: SUPI, k: K, opc: OPC }, mncDigits = 2, snn = SNN): UeDevice {
  const usimMedium = new MemoryMedium(8192), meMedium = new MemoryMedium(8192);
  Usim.create(usimMedium, sub).powerOff();
  const ue = new UeDevice(Usim.open(usimMedium), MeStorage.open(AtomicStore.open(meMedium, { type: ME_IMAGE_TYPE })), new Trace(), snn);
  ue.mncDigits = mncDigits;
  ue.powerOn();
  ue.registrationRequest(M.REG_TYPE.INITIAL);
  return ue;
}

// ---- RFC 4187 8.1 layout, written out here: code, id, length(2), type 50, subtype, reserved(2), attributes
function packet(code: number, id: number, subtype: number, attrs: number[][]): Uint8Array {
  const body = attrs.flat(), len = 8 + body.length;
  return Uint8Array.of(code, id, len >> 8, len & 0xff, 50, subtype, 0, 0, ...body);
}
const atFixed = (t: number, v: Uint8Array) => [t, 5, 0, 0, ...v];                                 // AT_RAND 1, AT_AUTN 2, AT_MAC 11
const atKdf = (k: number) => [24, 1, k >> 8, k & 0xff];                                           // RFC 9048 3.2
function atKdfInput(name: string): number[] {                                                      // RFC 9048 3.1
  const b = [...Buffer.from(name, 'utf8')], pad = (4 - ((4 + b.length) % 4)) % 4;
  return [23, (4 + b.length + pad) / 4, b.length >> 8, b.length & 0xff, ...b, ...new Array(pad).fill(0)];
}
/** HMAC-SHA-256-128(K_aut, packet with the 16 MAC octets at `at` zeroed) — RFC 4187 10.15 with RFC 9048 3.4.2. */
function mac(kAut: Uint8Array, p: Uint8Array, at: number): Uint8Array {
  const z = p.slice(); z.fill(0, at, at + 16);
  return new Uint8Array(createHmac('sha256', kAut).update(z).digest().subarray(0, 16));
}
/** Offset of the AT_MAC value (after type, length, 2 reserved) in an EAP-AKA′ packet. */
function macOffset(p: Uint8Array): number {
  for (let i = 8; i < p.length; i += p[i + 1] * 4) if (p[i] === 11) return i + 4;
  return -1;
}
/** Attributes of an EAP-AKA′ packet: type → value octets after the 2-octet header. */
function attributes(p: Uint8Array): Array<[number, Uint8Array]> {
  const out: Array<[number, Uint8Array]> = [];
  for (let i = 8; i < p.length; i += p[i + 1] * 4) out.push([p[i], p.slice(i + 2, i + p[i + 1] * 4)]);
  return out;
}

/** A system-simulator challenge for the UE's subscriber (SQN `seq`, AMF 8000 unless given). */
function simChallenge(o: { id?: number; seq?: number; amf?: Uint8Array; kdfs?: number[]; kdfInput?: string; noKdfInput?: boolean; corruptMac?: boolean; k?: Uint8Array; opc?: Uint8Array; supi?: string; snn?: string; rand?: Uint8Array } = {}) {
  const rand = o.rand ?? new Uint8Array(randomBytes(16)), sqn = sqnBytes(BigInt(o.seq ?? 1) << 5n), amf = o.amf ?? Uint8Array.of(0x80, 0);
  const f = milenageRef(o.k ?? K, o.opc ?? OPC, rand, sqn, amf);
  const sqnXorAk = sqn.map((b, i) => b ^ f.ak[i]);
  const autn = Uint8Array.of(...sqnXorAk, ...amf, ...f.macA);
  const snn = o.snn ?? SNN;
  const keys = eapAkaPrimeRef(f.ck, f.ik, snn, sqnXorAk, o.supi ?? SUPI); // Identity = SUPI (TS 33.501 F.3)
  const eap = packet(1, o.id ?? 7, 1, [atFixed(1, rand), atFixed(2, autn), ...(o.kdfs ?? [1]).map(atKdf), ...(o.noKdfInput ? [] : [atKdfInput(o.kdfInput ?? snn)]), atFixed(11, new Uint8Array(16))]);
  const at = macOffset(eap);
  eap.set(mac(keys.kAut, eap, at), at);
  if (o.corruptMac) eap[at] ^= 0x80;
  return { eap, res: f.res, keys, rand, ck: f.ck, ik: f.ik, req: M.authenticationRequestEap({ ngKsi: 2, abba: ABBA, eap }) };
}

describe('EAP-AKA′ on the UE, rule by rule (TS 33.501 6.1.3.1; RFC 9048; RFC 4187; TS 24.501 5.4.1.2.2)', () => {
  it('38.523-1 9.1.1.1 TP1 / TS 33.501 Annex F.2: "EAP-Request/AKA\'-Identity → EAP-Response/AKA\'-Identity" with the SUCI in NAI form (TS 23.003: type0.rid<RI>.schid0.userid<MSIN>@5gc.mnc<MNC>.mcc<MCC>.3gppnetwork.org); no key or context change', () => {
    const ue = newUe();
    const before = ue.fw.read('new');
    const req = M.authenticationRequestEap({ ngKsi: 2, abba: ABBA, eap: packet(1, 3, 5, [[17, 1, 0, 0]]) }); // AT_FULLAUTH_ID_REQ
    const r = ue.authenticationRequestEap(req);
    const nai = 'type0.rid0.schid0.userid0000000001@5gc.mnc001.mcc001.3gppnetwork.org';
    const id = [...Buffer.from(nai)], pad = (4 - ((4 + id.length) % 4)) % 4;
    const expected = packet(2, 3, 5, [[14, (4 + id.length + pad) / 4, 0, id.length, ...id, ...new Array(pad).fill(0)]]);
    // AUTHENTICATION RESPONSE (TS 24.501 8.2.2): EPD 7E, SHT 0, type 57, EAP message IE 78 with a 2-octet length
    expect(toHex(r.response)).toBe(toHex(Uint8Array.of(0x7e, 0, 0x57, 0x78, expected.length >> 8, expected.length & 0xff, ...expected)));
    expect(r.answer.outcome).toBe('identity');
    expect(ue.fw.read('new')).toEqual(before);
    expect(suciNai('310410123456789', 3, '12')).toBe('type0.rid12.schid0.userid123456789@5gc.mnc410.mcc310.3gppnetwork.org');
  });

  it('38.523-1 9.1.1.1 TP3: a valid EAP-Request/AKA\'-Challenge → EAP-Response/AKA\'-Challenge with AT_RES = RES and AT_MAC = HMAC-SHA-256-128(K_aut, packet) (RFC 4187 10.15, RFC 9048 3.4.2); KAUSF = EMSK[0..32) (TS 33.501 6.1.3.1); no context until EAP-Success', () => {
    const ue = newUe();
    const s = simChallenge();
    const r = ue.authenticationRequestEap(s.req);
    expect(r.answer.outcome).toBe('challenge');
    const eap = M.parseAuthenticationResponse(r.response).eap!;
    expect([eap[0], eap[1], eap[4], eap[5]]).toEqual([2, 7, 50, 1]); // Response, same id, AKA′, Challenge
    const a = attributes(eap);
    expect(a.map(([t]) => t)).toEqual([3, 11]); // AT_RES, AT_MAC
    expect(toHex(a[0][1])).toBe(toHex(Uint8Array.of(0, s.res.length * 8, ...s.res))); // RES length in bits, RES (8 octets: no padding)
    expect(toHex(eap.slice(macOffset(eap), macOffset(eap) + 16))).toBe(toHex(mac(s.keys.kAut, eap, macOffset(eap))));
    expect(toHex(r.answer.kausf!)).toBe(toHex(s.keys.kausf));
    expect(ue.fw.read('new').type).toBe('none'); // keys follow the EAP-Success (TS 33.501 6.1.3.1 step 12)
    expect(ue.eap.awaitingSuccess).toBe(true);
  });

  it('38.523-1 9.1.1.1 TP4 / TS 24.501 5.4.1.2.2.8: EAP-Success in AUTHENTICATION RESULT is accepted with its ABBA: KSEAF = A.6(KAUSF), KAMF = A.7(KSEAF, SUPI, ABBA) as a partial native context for the ngKSI, current only after the SMC', () => {
    const ue = newUe();
    const s = simChallenge();
    ue.authenticationRequestEap(s.req);
    const abba = Uint8Array.of(0x00, 0x00, 0x11); // a longer ABBA: used as received (TS 33.501 A.7.1)
    const r = ue.authenticationResult(M.authenticationResult({ ngKsi: 2, eap: Uint8Array.of(3, 7, 0, 4), abba }));
    const kseaf = ref.kseaf(s.keys.kausf, SNN), kamf = ref.kamf(kseaf, SUPI, abba);
    expect(r.result).toBe('success');
    const slot = ue.fw.read('new');
    expect([slot.type, slot.ngKsi, toHex(slot.kamf)]).toEqual(['partial-native', 2, toHex(kamf)]);
    expect(toHex(ue.fw.read('current').kamf)).not.toBe(toHex(kamf));
    // The SMC that follows takes it into use (TS 24.501 5.4.2.3) and KAUSF/KSEAF become valid
    const nas = new NetworkNasContext(kamf, 2, 2, 2);
    const smc = nas.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 2, replayedCaps: ue.caps }));
    expect(ue.securityModeCommand(smc.message).result).toBe('complete');
    expect(toHex(ue.fw.read('current').kamf)).toBe(toHex(kamf));
    expect(toHex(ue.aka.current!.kausf)).toBe(toHex(s.keys.kausf));
    expect(toHex(ue.aka.current!.kseaf)).toBe(toHex(kseaf));
  });

  it('TS 38.508-1 4.9.8: "SECURITY MODE COMMAND, which carries the EAP-Success when EAP-AKA\' is used" — accepted: KAMF from the EAP-Success and the SMC\'s ABBA verifies that SMC', () => {
    const ue = newUe();
    const s = simChallenge();
    ue.authenticationRequestEap(s.req);
    const kamf = ref.kamf(ref.kseaf(s.keys.kausf, SNN), SUPI, ABBA);
    const nas = new NetworkNasContext(kamf, 2, 2, 2);
    const smc = nas.protectDownlink(3, M.securityModeCommand({ nea: 2, nia: 2, ngKsi: 2, replayedCaps: ue.caps, eap: Uint8Array.of(3, 7, 0, 4), abba: ABBA }));
    const r = ue.securityModeCommand(smc.message);
    expect(r.result).toBe('complete');
    expect(nas.verifyUplink(r.response)).not.toBeNull();
    expect(toHex(ue.fw.read('current').kamf)).toBe(toHex(kamf));
  });

  it('RFC 4187 6.3.1: a wrong AT_MAC → EAP-Response/AKA\'-Client-Error, code 0 "unable to process packet"; no RES, no KAUSF kept, a later EAP-Success is refused', () => {
    const ue = newUe();
    const r = ue.authenticationRequestEap(simChallenge({ corruptMac: true }).req);
    const eap = M.parseAuthenticationResponse(r.response).eap!;
    expect([eap[0], eap[4], eap[5]]).toEqual([2, 50, 14]);
    expect(attributes(eap)).toEqual([[22, Uint8Array.of(0, 0)]]); // AT_CLIENT_ERROR_CODE 0
    expect(ue.eap.awaitingSuccess).toBe(false);
    expect(() => ue.authenticationResult(M.authenticationResult({ ngKsi: 2, eap: Uint8Array.of(3, 7, 0, 4), abba: ABBA }))).toThrow(InputError);
    expect(ue.fw.read('new').type).toBe('none');
  });

  it('RFC 9048 3.1 / TS 33.501 6.1.3.1: AT_KDF_INPUT other than the UE\'s serving network name → EAP-Response/AKA\'-Authentication-Reject', () => {
    const ue = newUe();
    const r = ue.authenticationRequestEap(simChallenge({ kdfInput: '5G:mnc002.mcc001.3gppnetwork.org' }).req);
    const eap = M.parseAuthenticationResponse(r.response).eap!;
    expect(toHex(eap)).toBe(toHex(packet(2, 7, 2, []))); // Authentication-Reject: no attributes
    expect(ue.eap.awaitingSuccess).toBe(false);
  });

  it('RFC 9048 3.2: AT_KDF ≠ 1 — only unsupported KDFs → Authentication-Reject; KDF 1 offered later → EAP-Response/AKA\'-Challenge with the single AT_KDF 1 (KDF negotiation), no AT_RES, no AT_MAC', () => {
    const ue = newUe();
    const rej = M.parseAuthenticationResponse(ue.authenticationRequestEap(simChallenge({ kdfs: [2] }).req).response).eap!;
    expect(toHex(rej)).toBe(toHex(packet(2, 7, 2, [])));
    const neg = M.parseAuthenticationResponse(ue.authenticationRequestEap(simChallenge({ kdfs: [2, 1], seq: 2 }).req).response).eap!;
    expect(toHex(neg)).toBe(toHex(packet(2, 7, 1, [atKdf(1)])));
    // The network answers with KDF 1 first, then the original list (RFC 9048 3.2): it succeeds
    expect(ue.authenticationRequestEap(simChallenge({ kdfs: [1, 2, 1], seq: 3 }).req).answer.outcome).toBe('challenge');
  });

  // RFC 9048 3.2 (bidding-down protection): after the peer asked for another KDF, the server's new
  // challenge lists the chosen KDF first followed by the original list; the peer checks that the
  // list changed only so, else it fails the authentication. Before the review fix the peer kept no
  // memory of the negotiation and the AUSF resent only [chosen].
  for (const [name, kdfs] of [['only the chosen KDF', [1]], ['the original list reordered', [1, 1, 2]], ['an entry dropped', [1, 1]]] as const) {
    it(`RFC 9048 3.2: after a KDF negotiation from [2, 1], a new challenge with ${name} (${kdfs.join(', ')}) → Authentication-Reject, no KAUSF`, () => {
      const ue = newUe();
      expect(ue.authenticationRequestEap(simChallenge({ kdfs: [2, 1], seq: 2 }).req).answer.outcome).toBe('kdf-negotiation');
      const r = ue.authenticationRequestEap(simChallenge({ kdfs: [...kdfs], seq: 3 }).req);
      expect(toHex(M.parseAuthenticationResponse(r.response).eap!)).toBe(toHex(packet(2, 7, 2, [])));
      expect(ue.eap.awaitingSuccess).toBe(false);
    });
  }

  it('RFC 9048 3.2: the AUSF answers a KDF negotiation with the chosen KDF followed by its original list, and the UE then completes the run', () => {
    const ue = newUe();
    const udm = new Udm();
    udm.provision({ supi: SUPI, algorithm: 'milenage', k: K, opc: OPC });
    const ausf = new EapAusf(udm);
    const kdfsOf = (eap: Uint8Array) => attributes(eap).filter(([t]) => t === 24).map(([, v]) => (v[0] << 8) | v[1]);
    const first = ausf.start(SUPI, SNN, { kdfs: [2, 1] });
    expect(kdfsOf(first)).toEqual([2, 1]);
    const neg = ue.authenticationRequestEap(M.authenticationRequestEap({ ngKsi: 2, abba: ABBA, eap: first }));
    expect(neg.answer.outcome).toBe('kdf-negotiation');
    const again = ausf.handleResponse(M.parseAuthenticationResponse(neg.response).eap!);
    expect(again.kind).toBe('request');
    if (again.kind !== 'request') return;
    expect(kdfsOf(again.eap)).toEqual([1, 2, 1]);
    const r = ue.authenticationRequestEap(M.authenticationRequestEap({ ngKsi: 2, abba: ABBA, eap: again.eap }));
    expect(r.answer.outcome).toBe('challenge');
    expect(ausf.handleResponse(M.parseAuthenticationResponse(r.response).eap!).kind).toBe('success');
  });

  it('RFC 9048 3.1/3.2: a challenge without AT_KDF_INPUT, or without AT_KDF, → Authentication-Reject ("as if AUTN had been incorrect"), not Client-Error', () => {
    const ue = newUe();
    for (const o of [{ noKdfInput: true }, { kdfs: [] as number[] }]) {
      const r = ue.authenticationRequestEap(simChallenge(o).req);
      expect(toHex(M.parseAuthenticationResponse(r.response).eap!)).toBe(toHex(packet(2, 7, 2, [])));
    }
  });

  it('38.523-1 9.1.1.1 TP2 / RFC 4187 9.6: an AUTN with a stale SQN → EAP-Response/AKA\'-Synchronization-Failure with AT_AUTS (and AT_KDF 1, RFC 9048 3.2) that the UDM resynchronises with (TS 33.102 6.3.5); no context change', () => {
    const ue = newUe();
    expect(ue.authenticationRequestEap(simChallenge({ seq: 5 }).req).answer.outcome).toBe('challenge');
    const s = simChallenge({ seq: 4 }); // SEQ 4 < SEQ_MS 5: not fresh
    const before = { cur: ue.fw.read('current'), nw: ue.fw.read('new') };
    const r = ue.authenticationRequestEap(s.req);
    const eap = M.parseAuthenticationResponse(r.response).eap!;
    expect([eap[0], eap[4], eap[5]]).toEqual([2, 50, 4]);
    const a = attributes(eap);
    expect(a.map(([t]) => t)).toEqual([4, 24]);
    expect(toHex(a[1][1])).toBe('0001');
    const udm = new Udm();
    udm.provision({ supi: SUPI, algorithm: 'milenage', k: K, opc: OPC });
    const sqnMs = udm.resynchronise(SUPI, s.rand, a[0][1]);
    expect(sqnMs && toHex(sqnMs)).toBe(toHex(sqnBytes(5n << 5n)));
    expect(ue.fw.read('current')).toEqual(before.cur);
    expect(ue.fw.read('new')).toEqual(before.nw);
  });

  it('TS 33.501 6.1.3.1 (AMF separation bit) and RFC 4187 6.3.1 (AUTN MAC-A failure): both → Authentication-Reject', () => {
    const ue = newUe();
    expect(M.parseAuthenticationResponse(ue.authenticationRequestEap(simChallenge({ amf: Uint8Array.of(0, 0) }).req).response).eap![5]).toBe(2);
    expect(M.parseAuthenticationResponse(ue.authenticationRequestEap(simChallenge({ k: new Uint8Array(16).fill(9), seq: 6 }).req).response).eap![5]).toBe(2);
  });

  it('README "Secrets in module memory": after the challenge the module holds no 8 consecutive octets of CK′, IK′, K_aut, MK or KAUSF; errors and refusals name fields, never key bytes', () => {
    const ue = newUe();
    const s = simChallenge();
    ue.authenticationRequestEap(s.req);
    const img = Buffer.from(ue.fw.keys.memoryImage());
    const secrets = { ckPrime: s.keys.ckPrime, ikPrime: s.keys.ikPrime, kEncr: s.keys.kEncr, kAut: s.keys.kAut, kRe: s.keys.kRe, msk: s.keys.msk, emsk: s.keys.emsk };
    for (const [name, key] of Object.entries(secrets)) for (let i = 0; i + 8 <= key.length; i++) expect(img.indexOf(Buffer.from(key.subarray(i, i + 8))), name).toBe(-1);
    const texts: string[] = [];
    const grab = (f: () => unknown) => { try { const r = f() as { answer?: { reason?: string } }; if (r?.answer?.reason) texts.push(r.answer.reason); } catch (e) { expect(e).toBeInstanceOf(UeKeysError); texts.push(String((e as Error).message)); } };
    grab(() => ue.authenticationRequestEap(simChallenge({ corruptMac: true, seq: 2 }).req));
    grab(() => ue.authenticationRequestEap(simChallenge({ kdfInput: 'x', seq: 3 }).req));
    grab(() => ue.authenticationResult(M.authenticationResult({ ngKsi: 2, eap: Uint8Array.of(3, 7, 0, 4) })));
    grab(() => ue.authenticationRequestEap(M.authenticationRequestEap({ ngKsi: 2, abba: ABBA, eap: s.eap.slice(0, 20) })));
    expect(texts.length).toBe(4);
    const all = [...Object.values(secrets), s.keys.kausf, s.ck, s.ik, K, OPC].map((k) => toHex(k).slice(0, 16));
    for (const t of texts) for (const k of all) expect(t.toLowerCase()).not.toContain(k);
  });
});

describe('EAP-AKA′ differential: UE (USIM module + ME firmware) against the EAP AUSF (node:crypto) on random subscribers', () => {
  it('UE and AUSF agree on RES/XRES and AT_MAC both ways (the run succeeds), KAUSF, KSEAF and KAMF', () => {
    fc.assert(fc.property(
      fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 16, maxLength: 16 }),
      fc.stringMatching(/^[0-9]{10}$/), fc.constantFrom(2, 3), fc.integer({ min: 0, max: 5000 }), fc.uint8Array({ minLength: 2, maxLength: 6 }),
      (k, opc, msin, mncDigits, seq, abba) => {
        const supi = (mncDigits === 2 ? '00101' : '001001') + msin.slice(0, mncDigits === 2 ? 10 : 9);
        const snn = servingNetworkName('001', mncDigits === 2 ? '01' : '001');
        const ue = newUe({ supi, k, opc }, mncDigits, snn);
        const udm = new Udm();
        udm.provision({ supi, algorithm: 'milenage', k, opc, seqHe: BigInt(seq) });
        const ausf = new EapAusf(udm);
        let eap = ausf.start(supi, snn, { identityFirst: true });
        for (let round = 0; round < 3; round++) {
          const r = ue.authenticationRequestEap(M.authenticationRequestEap({ ngKsi: 1, abba, eap }));
          const step = ausf.handleResponse(M.parseAuthenticationResponse(r.response).eap!);
          if (step.kind === 'request') { eap = step.eap; continue; }
          expect(step.kind, 'the AUSF accepts the UE\'s AT_RES and AT_MAC').toBe('success');
          if (step.kind !== 'success') return;
          expect(toHex(r.answer.kausf!)).toBe(toHex(step.kausf));
          ue.authenticationResult(M.authenticationResult({ ngKsi: 1, eap: step.eap, abba }));
          expect(toHex(ue.aka.pending!.kseaf)).toBe(toHex(step.kseaf));
          expect(toHex(ue.fw.read('new').kamf)).toBe(toHex(ref.kamf(step.kseaf, supi, abba)));
          return;
        }
        throw new Error('no EAP-Success within 3 rounds');
      }), { numRuns: 20 });
  });

  it('a Synchronization-Failure from the UE makes the AUSF/UDM resynchronise and the next challenge succeeds (TS 33.501 6.1.3.3.2 with EAP-AKA′)', () => {
    const ue = newUe();
    const udm = new Udm();
    udm.provision({ supi: SUPI, algorithm: 'milenage', k: K, opc: OPC, seqHe: 40n });
    const ausf = new EapAusf(udm);
    expect(ue.authenticationRequestEap(M.authenticationRequestEap({ ngKsi: 1, abba: ABBA, eap: ausf.start(SUPI, SNN) })).answer.outcome).toBe('challenge');
    udm.provision({ supi: SUPI, algorithm: 'milenage', k: K, opc: OPC, seqHe: 0n }); // the HE is behind the USIM now
    const outcomes: string[] = [];
    let eap = ausf.start(SUPI, SNN);
    for (let round = 0; round < 3; round++) {
      const r = ue.authenticationRequestEap(M.authenticationRequestEap({ ngKsi: 1, abba: ABBA, eap }));
      outcomes.push(r.answer.outcome);
      const step = ausf.handleResponse(M.parseAuthenticationResponse(r.response).eap!);
      if (step.kind !== 'request') { outcomes.push(step.kind); break; }
      eap = step.eap;
    }
    expect(outcomes).toEqual(['synchronization-failure', 'challenge', 'success']);
    expect(udm.seqHe(SUPI)).toBeGreaterThan(41n);
  });
});

describe('export eap_aka_prime_challenge (raw ABI: a C or emulator host that never clears the mailboxes)', () => {
  /** The RFC 5448 / RFC 9048 chain inputs of a simulator challenge, laid out in IO_IN. */
  function layout(fw: ReturnType<typeof instantiateSync>, s: ReturnType<typeof simChallenge>, rsp: Uint8Array) {
    fw.begin();
    const at = macOffset(s.eap), zeroed = s.eap.slice(); zeroed.fill(0, at, at + 16);
    const autn = s.eap.slice(8 + 20 + 4, 8 + 20 + 20); // AT_RAND (20 octets), then AT_AUTN's value after its 4-octet header; SQN ⊕ AK = AUTN[0..6)
    return {
      k: fw.put(Uint8Array.of(...s.ck, ...s.ik)), a: fw.put(new TextEncoder().encode(SNN)), x: fw.put(autn.slice(0, 6)), i: fw.put(new TextEncoder().encode(SUPI)),
      r: fw.put(zeroed), m: fw.put(s.eap.slice(at, at + 16)), o: fw.put(rsp), reqLen: s.eap.length, rspLen: rsp.length,
    };
  }
  const RSP = () => packet(2, 7, 1, [[3, 3, 0, 64, ...new Array(8).fill(0)], atFixed(11, new Uint8Array(16))]);

  it('OUT[0..16) = the response AT_MAC (node:crypto HMAC-SHA-256-128 with K_aut), OUT[16..48) = KAUSF, nothing else in OUT; TMP, KDF_S, HMAC_KEY, HMAC_WORK zero', () => {
    const fw = instantiateSync(UE_FILE);
    const s = simChallenge(), rsp = RSP(), o = layout(fw, s, rsp);
    expect(fw.tryCall('eap_aka_prime_challenge', o.k, o.a, SNN.length, o.x, o.i, SUPI.length, o.r, o.reqLen, o.m, o.o, o.rspLen)).toBe(0);
    expect(toHex(fw.take(0, 16))).toBe(toHex(mac(s.keys.kAut, rsp, macOffset(rsp))));
    expect(toHex(fw.take(16, 32))).toBe(toHex(s.keys.kausf));
    const m = fw.snapshot(), out = fw.constant('IO_OUT_PTR');
    expect(m.subarray(out + 48, out + fw.constant('IO_OUT_LEN')).every((b) => b === 0), 'IO_OUT past 48').toBe(true);
    for (const region of ['TMP', 'KDF_S', 'HMAC_KEY', 'HMAC_WORK']) {
      const p = fw.constant(`${region}_PTR`);
      expect(m.subarray(p, p + fw.constant(`${region}_LEN`)).every((b) => b === 0), region).toBe(true);
    }
  });

  it('a request MAC that does not verify → ERR_MAC (5) with OUT all zeros; out-of-mailbox offsets → ERR_RANGE, short packets → ERR_LENGTH, memory byte-identical', () => {
    const fw = instantiateSync(UE_FILE);
    const s = simChallenge({ corruptMac: true }), rsp = RSP();
    let o = layout(fw, s, rsp);
    expect(fw.tryCall('eap_aka_prime_challenge', o.k, o.a, SNN.length, o.x, o.i, SUPI.length, o.r, o.reqLen, o.m, o.o, o.rspLen)).toBe(5);
    const m = fw.snapshot(), out = fw.constant('IO_OUT_PTR');
    expect(m.subarray(out, out + fw.constant('IO_OUT_LEN')).every((b) => b === 0)).toBe(true);
    const cases: Array<[string, (x: typeof o) => number[], number]> = [
      ['request past IO_IN', (x) => [x.k, x.a, SNN.length, x.x, x.i, SUPI.length, 4090, 64, x.m, x.o, x.rspLen], 1],
      ['MAC past IO_IN', (x) => [x.k, x.a, SNN.length, x.x, x.i, SUPI.length, x.r, x.reqLen, 4090, x.o, x.rspLen], 1],
      ['response length wraps', (x) => [x.k, x.a, SNN.length, x.x, x.i, SUPI.length, x.r, x.reqLen, x.m, x.o, 0xffffffff], 1],
      ['request of 7 octets', (x) => [x.k, x.a, SNN.length, x.x, x.i, SUPI.length, x.r, 7, x.m, x.o, x.rspLen], 2],
      ['empty identity', (x) => [x.k, x.a, SNN.length, x.x, x.i, 0, x.r, x.reqLen, x.m, x.o, x.rspLen], 2],
    ];
    for (const [what, args, status] of cases) {
      o = layout(fw, simChallenge(), rsp);
      const before = fw.snapshot();
      expect(fw.tryCall('eap_aka_prime_challenge', ...args(o)), what).toBe(status);
      expect(Buffer.from(fw.snapshot()).equals(Buffer.from(before)), `memory changed: ${what}`).toBe(true);
    }
  });
});

describe('ue-keys run … --auth eap-aka-prime', () => {
  it('mobility with re-authentication at the target AMF: summary.auth names the method, UE and AMF aligned; every EAP message in the trace', () => {
    for (const [extra, label] of [[[], 'eap-aka-prime (EAP-Success in the SMC)'], [['--eap-success', 'result'], 'eap-aka-prime (EAP-Success in AUTHENTICATION RESULT)']] as const) {
      const r = runCli(['run', 'mobility', '--auth', 'eap-aka-prime', ...extra, '--target-policy', 'reauth', '--seed', '3', '--json']);
      expect(r.code).toBe(0);
      const o = JSON.parse(r.out);
      expect([o.summary.auth, o.summary.aligned]).toEqual([label, true]);
      const events = o.trace.filter((t: any) => t.message).map((t: any) => t.event);
      expect(events.filter((e: string) => /^AUTHENTICATION (REQUEST|RESPONSE) \(EAP-(Request|Response)\/AKA′-Challenge/.test(e))).toHaveLength(4); // initial + target AMF
      expect(o.trace.some((t: any) => t.values?.kausf && t.values?.kamf)).toBe(true);
    }
  });
  it('--eap-success without --auth eap-aka-prime: exit 2, one line naming the flag', () => {
    const r = runCli(['run', 'srvcc', '--eap-success', 'smc']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toContain('--eap-success');
  });
});

describe('EAP-AKA′ through the AMF/SEAF of the scenarios (World.authenticate with auth eap-aka-prime)', () => {
  it('TS 24.501 5.4.1.2.2.10: the AUSF\'s EAP-Failure after the UE\'s Client-Error goes in AUTHENTICATION REJECT; no network context, nothing pending on the UE', () => {
    const w = new World(5, { auth: 'eap-aka-prime' });
    const amf = new Amf('source AMF', w.trace);
    w.eapChallenge = { corruptMac: true };
    w.ue.registrationRequest(M.REG_TYPE.INITIAL);
    expect(w.authenticate(amf, 1)).toBeNull();
    const sent = w.trace.steps.filter((t) => t.message).map((t) => t.event.replace(/[,:].*$/, ''));
    expect(sent.slice(-3)).toEqual(['AUTHENTICATION REQUEST (EAP-Request/AKA′-Challenge', 'AUTHENTICATION RESPONSE (EAP-Response/AKA′-Client-Error)', 'AUTHENTICATION REJECT (EAP-Failure)']);
    expect([w.ue.eap.awaitingSuccess, w.ue.fw.read('new').type]).toEqual([false, 'none']);
  });
  it('TS 33.501 Annex F.2: an Identity round first, then the challenge; UE and AMF end with the same KAMF after the SMC', () => {
    const w = new World(6, { auth: 'eap-aka-prime', eapSuccessIn: 'smc' });
    const amf = new Amf('source AMF', w.trace);
    w.eapChallenge = { identityFirst: true };
    w.ue.registrationRequest(M.REG_TYPE.INITIAL);
    const nas = w.authenticate(amf, 1)!;
    const r = w.ue.securityModeCommand(w.securityModeCommand(amf, nas));
    expect(r.result).toBe('complete');
    expect(toHex(w.ue.fw.read('current').kamf)).toBe(toHex(nas.kamf));
    expect(w.trace.steps.some((t) => /EAP-Response\/AKA′-Identity/.test(t.event))).toBe(true);
  });
});
