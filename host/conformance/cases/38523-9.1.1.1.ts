/** TS 38.523-1 9.1.1.1 EAP based primary authentication and key agreement / EAP-AKA′ related
 *  procedures (TS 24.501 5.4.1.2.2.3, 5.4.1.2.2.4, 5.4.1.2.2.6B, 5.4.1.2.2.8).
 *
 *  The network side is the EAP-AKA′ AUSF of host/network/ausf-eap.ts with its UDM (node:crypto
 *  MILENAGE, PRF′ and HMAC): it builds each EAP-Request and is the judge of the UE's AT_RES and
 *  AT_MAC. What the UE sent is read here with a walker of the RFC 4187 8.1 layout, not with the
 *  project's EAP codec; the expected identity and keys come from the clauses (TS 23.003 28.7.3,
 *  TS 33.501 A.6/A.7 via host/reference), never from the UE firmware. */
import { NetworkNasContext } from '../../network/nas-security.js';
import { EapAusf } from '../../network/ausf-eap.js';
import { Udm } from '../../network/udm.js';
import { ref } from '../../reference/kdf.js';
import { SUBSCRIBER } from '../../scenarios/setup.js';
import * as M from '../../nas/messages.js';
import { check, same, SS_GUTI, SystemSimulator } from '../ss.js';
import type { TestPurpose } from '../types.js';

const EAP_RESPONSE = 2, TYPE_AKA_PRIME = 50;
const SUBTYPE = { CHALLENGE: 1, SYNCHRONIZATION_FAILURE: 4, IDENTITY: 5 } as const;
const AT = { RES: 3, AUTS: 4, MAC: 11, IDENTITY: 14, KDF: 24 } as const;
const ABBA = Uint8Array.of(0x00, 0x00);
const NGKSI = 1;

interface EapSeen { code: number; type: number; subtype: number; attrs: Map<number, Uint8Array>; bytes: Uint8Array }

/** The EAP message IE of the UE's AUTHENTICATION RESPONSE (TS 24.501 8.2.2: IEI 78, TLV-E) and
 *  its EAP-AKA′ layout (RFC 4187 8.1: code, identifier, length, type, subtype, 2 reserved, then
 *  attributes of type, length in 4-octet units, value). */
function eapOfResponse(ss: SystemSimulator, sent: Uint8Array | null): EapSeen {
  const u = ss.decode(sent, null);
  check(u.sht === 0, `AUTHENTICATION RESPONSE must be sent unprotected before the SMC, header type ${u.sht}`);
  check(u.plain[2] === M.MT.AUTHENTICATION_RESPONSE, `expected AUTHENTICATION RESPONSE, got message type 0x${u.plain[2].toString(16)}`);
  check(u.plain[3] === 0x78, 'AUTHENTICATION RESPONSE without the EAP message IE (IEI 78)');
  const len = (u.plain[4] << 8) | u.plain[5];
  const e = u.plain.slice(6, 6 + len);
  check(e.length === len && len >= 8 && ((e[2] << 8) | e[3]) === len, 'EAP message IE length and EAP length disagree');
  const attrs = new Map<number, Uint8Array>();
  for (let i = 8; i < len;) {
    const l = e[i + 1] * 4;
    check(l >= 4 && i + l <= len, `EAP attribute ${e[i]} overruns the packet`);
    attrs.set(e[i], e.slice(i + 2, i + l));
    i += l;
  }
  return { code: e[0], type: e[4], subtype: e[5], attrs, bytes: e };
}

/** An EAP-AKA′ network for this SS's subscriber: a fresh UDM (SEQ_HE 0) and its AUSF. */
function eapNetwork(): { udm: Udm; ausf: EapAusf } {
  const udm = new Udm();
  udm.provision({ supi: SUBSCRIBER.supi, algorithm: 'milenage', k: SUBSCRIBER.k, opc: SUBSCRIBER.opc });
  return { udm, ausf: new EapAusf(udm) };
}

/** What the UE holds that an EAP round without EAP-Success must not change. */
function keyState(ss: SystemSimulator): string {
  const slot = (s: 'current' | 'non-current' | 'new') => { const c = ss.ue.fw.read(s); return `${c.type}/${c.ngKsi}/${ss.hex(c.kamf)}/${c.ulCount['3gpp']}/${c.dlCount['3gpp']}`; };
  const ak = ss.ue.store.loadAuthKeys();
  return [slot('current'), slot('non-current'), slot('new'), !ak ? 'no KAUSF' : ak.valid ? ss.hex(ak.kausf) : 'KAUSF invalid', ss.hex(ss.nscRecord())].join(' | ');
}

/** The UE's answer to an EAP-Request/AKA′-Challenge, accepted by the AUSF → EAP-Success step. */
function challengeAnswered(ss: SystemSimulator, ausf: EapAusf, request: Uint8Array) {
  const resp = eapOfResponse(ss, ss.send(ss.eapAuthenticationRequest(NGKSI, request, ABBA)).sent);
  check(resp.code === EAP_RESPONSE && resp.type === TYPE_AKA_PRIME && resp.subtype === SUBTYPE.CHALLENGE,
    `expected EAP-Response/AKA′-Challenge (2/50/1), got ${resp.code}/${resp.type}/${resp.subtype}`);
  check(resp.attrs.has(AT.RES) && resp.attrs.has(AT.MAC), 'EAP-Response/AKA′-Challenge without AT_RES or AT_MAC (RFC 4187 9.4)');
  const step = ausf.handleResponse(resp.bytes);
  check(step.kind === 'success', `the AUSF did not accept the response: ${step.kind === 'failure' ? step.reason : 'it asked again'} (AT_RES = XRES and AT_MAC with K_aut, node:crypto)`);
  return { resp, step };
}

export const cases: TestPurpose[] = [
  {
    id: '38.523-1 9.1.1.1 TP1', scope: 'IN', clause: 'TS 24.501 5.4.1.2.2.6B; TS 33.501 Annex F.2; TS 23.003 28.7.3',
    title: 'EAP-Request/AKA′-Identity → EAP-Response/AKA′-Identity',
    checks: 'AUTHENTICATION RESPONSE with EAP-Response/AKA′-Identity, AT_IDENTITY = the null-scheme SUCI in NAI form; the AUSF goes on to the challenge; no key or context change',
    run(ss) {
      ss.ueRegister();
      const before = keyState(ss);
      const { ausf } = eapNetwork();
      const resp = eapOfResponse(ss, ss.send(ss.eapAuthenticationRequest(NGKSI, ausf.start(SUBSCRIBER.supi, ss.snn, { identityFirst: true }), ABBA)).sent);
      check(resp.code === EAP_RESPONSE && resp.type === TYPE_AKA_PRIME && resp.subtype === SUBTYPE.IDENTITY,
        `expected EAP-Response/AKA′-Identity (2/50/5), got ${resp.code}/${resp.type}/${resp.subtype}`);
      const at = resp.attrs.get(AT.IDENTITY);
      check(at, 'EAP-Response/AKA′-Identity without AT_IDENTITY (RFC 4187 10.5)');
      const identity = new TextDecoder().decode(at.subarray(2, 2 + ((at[0] << 8) | at[1])));
      // TS 23.003 28.7.3 null scheme: type<0>.rid<RI>.schid<0>.userid<MSIN>@5gc.mnc<MNC>.mcc<MCC>.3gppnetwork.org,
      // a two-digit MNC written with a leading 0 (28.2); routing indicator 0 when none is provisioned
      const mnc = SUBSCRIBER.mnc.padStart(3, '0'), msin = SUBSCRIBER.supi.slice(3 + SUBSCRIBER.mnc.length);
      const expected = `type0.rid0.schid0.userid${msin}@5gc.mnc${mnc}.mcc${SUBSCRIBER.mcc}.3gppnetwork.org`;
      check(identity === expected, `AT_IDENTITY is ${JSON.stringify(identity)}, expected ${JSON.stringify(expected)}`);
      check(ausf.handleResponse(resp.bytes).kind === 'request', 'the AUSF did not go on to the challenge after the identity');
      check(keyState(ss) === before, 'an EAP-Request/AKA′-Identity changed a context, a COUNT or a stored key');
      return `EAP-Response/AKA′-Identity with ${identity}; no key or context change`;
    },
  },
  {
    id: '38.523-1 9.1.1.1 TP2', scope: 'IN', clause: 'TS 24.501 5.4.1.2.2.3, 5.4.1.2.2.4; RFC 4187 9.6; TS 33.102 6.3.5',
    title: 'EAP-Request/AKA′-Challenge with a wrong SQN → EAP-Response/AKA′-Synchronization-Failure',
    checks: 'AT_AUTS (14 octets) that the UDM resynchronises with (MAC-S, node:crypto MILENAGE); no CK/IK, no KAUSF; contexts, COUNTs and stored keys unchanged; the next challenge succeeds',
    run(ss) {
      ss.ueRegister();
      // a first network run takes SQN = SEQ_HE 1 into the USIM; a second UDM provisioned the same
      // way then offers that SQN again, which is not fresh (TS 33.102 6.3.3, Annex C)
      const first = eapNetwork();
      challengeAnswered(ss, first.ausf, first.ausf.start(SUBSCRIBER.supi, ss.snn));
      const before = keyState(ss);
      const stale = eapNetwork();
      const resp = eapOfResponse(ss, ss.send(ss.eapAuthenticationRequest(NGKSI, stale.ausf.start(SUBSCRIBER.supi, ss.snn), ABBA)).sent);
      check(resp.code === EAP_RESPONSE && resp.type === TYPE_AKA_PRIME && resp.subtype === SUBTYPE.SYNCHRONIZATION_FAILURE,
        `expected EAP-Response/AKA′-Synchronization-Failure (2/50/4), got ${resp.code}/${resp.type}/${resp.subtype}`);
      const auts = resp.attrs.get(AT.AUTS);
      check(auts && auts.length === 14, 'no AT_AUTS of 14 octets (RFC 4187 10.9)');
      check(!resp.attrs.has(AT.RES) && !resp.attrs.has(AT.MAC), 'a Synchronization-Failure carries no AT_RES and no AT_MAC (RFC 4187 9.6)');
      check(keyState(ss) === before, 'the Synchronization-Failure changed a context, a COUNT or a stored key');
      const next = stale.ausf.handleResponse(resp.bytes);
      check(next.kind === 'request', `the UDM did not resynchronise with the UE's AUTS (MAC-S): ${next.kind === 'failure' ? next.reason : next.kind}`);
      challengeAnswered(ss, stale.ausf, next.eap);
      return 'EAP-Response/AKA′-Synchronization-Failure with AT_AUTS; the UDM resynchronised and the next challenge succeeded; nothing changed on the UE before it';
    },
  },
  {
    id: '38.523-1 9.1.1.1 TP3', scope: 'IN', clause: 'TS 24.501 5.4.1.2.2.3; TS 33.501 6.1.3.1; RFC 9048 3.3, 3.4.2',
    title: 'valid EAP-Request/AKA′-Challenge → EAP-Response/AKA′-Challenge',
    checks: 'AT_RES = XRES and AT_MAC = HMAC-SHA-256-128(K_aut) as the AUSF computes them with node:crypto; no context installed before the EAP-Success',
    run(ss) {
      ss.ueRegister();
      const before = keyState(ss);
      const { ausf } = eapNetwork();
      const { resp } = challengeAnswered(ss, ausf, ausf.start(SUBSCRIBER.supi, ss.snn));
      check(keyState(ss) === before, 'the UE installed a context or stored keys before the EAP-Success (TS 33.501 6.1.3.1 steps 9–12 come after it)');
      return `EAP-Response/AKA′-Challenge (${resp.bytes.length} octets) with AT_RES and AT_MAC accepted by the AUSF; no context before the EAP-Success`;
    },
  },
  {
    id: '38.523-1 9.1.1.1 TP4', scope: 'IN', clause: 'TS 24.501 5.4.1.2.2.8; TS 33.501 6.1.3.1 steps 9–12, A.6, A.7',
    title: 'EAP-Success in AUTHENTICATION RESULT → authentication successful',
    checks: 'no reply; partial native context for the ngKSI with KAMF = A.7(A.6(KAUSF of the AUSF), SUPI, ABBA), not current; the SMC protected with that KAMF is completed (MAC at UL COUNT 0); KAUSF stored after the SMC',
    run(ss) {
      const rr = ss.ueRegister();
      check(rr[2] === M.MT.REGISTRATION_REQUEST, 'no REGISTRATION REQUEST');
      const { ausf } = eapNetwork();
      const { step } = challengeAnswered(ss, ausf, ausf.start(SUBSCRIBER.supi, ss.snn));
      if (step.kind !== 'success') throw new Error('unreachable');
      const kamf = ref.kamf(ref.kseaf(step.kausf, ss.snn), SUBSCRIBER.supi, ABBA);
      const r = ss.send(ss.authenticationResult(NGKSI, step.eap, ABBA));
      check(r.sent === null && r.discarded === null, `the UE ${r.sent ? 'answered' : 'discarded'} the AUTHENTICATION RESULT (TS 24.501 5.4.1.2.2.8: no reply)`);
      const pending = ss.ue.fw.read('new');
      check(pending.type === 'partial-native' && pending.ngKsi === NGKSI && same(pending.kamf, kamf), 'no partial native context with the KAMF of A.7(A.6(KAUSF)) for the ngKSI after the EAP-Success');
      check(ss.ue.fw.read('current').type === 'none', 'the new context became current before the SMC');
      const nas = new NetworkNasContext(kamf, NGKSI, 2, 2);
      const comp = ss.decode(ss.send(ss.smc(nas, { imeisv: true })).sent, nas);
      check(comp.plain[2] === M.MT.SECURITY_MODE_COMPLETE && comp.count === 0, `expected SECURITY MODE COMPLETE at UL COUNT 0, got ${SystemSimulator.mtName(comp.plain)} at ${comp.count}`);
      ss.net = nas;
      const rc = ss.decode(ss.send(ss.protect(M.registrationAccept({ guti: SS_GUTI }))).sent);
      check(rc.plain[2] === M.MT.REGISTRATION_COMPLETE, 'no REGISTRATION COMPLETE after the EAP-AKA′ registration');
      const cur = ss.ue.fw.read('current');
      check(cur.type === 'full-native' && same(cur.kamf, kamf), 'the EAP-AKA′ KAMF is not the current context after the SMC');
      const ak = ss.ue.store.loadAuthKeys();
      check(ak && ak.valid && same(ak.kausf, step.kausf), 'KAUSF of the EAP-AKA′ run (EMSK[0..32)) not stored after the SMC');
      return 'AUTHENTICATION RESULT (EAP-Success) taken without reply; KAMF = A.7(A.6(KAUSF)) as a partial context, current after the SMC (COMPLETE at UL COUNT 0); KAUSF stored';
    },
  },
];
