// 5G AKA end to end (TS 33.501 6.1.3.2, 6.1.3.3): the UE (USIM module + ME firmware, host/ue/ue-aka.ts)
// against the home/serving network model (host/network: UDM/ARPF, AUSF, SEAF, node:crypto only).
// The two sides share no code, so their agreement on RES*, KAUSF, KSEAF and KAMF is a
// differential test. The network's own TUAK/Keccak is checked first against TS 35.233 and SHA3.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSync } from '../../host/index.js';
import { InputError } from '../../host/errors.js';
import {
  AkaStateError, CAUSE_MAC_FAILURE, CAUSE_NON_5G_AUTHENTICATION_UNACCEPTABLE, CAUSE_SYNCH_FAILURE, UeAka, servingNetworkName,
  type AuthenticationFailure, type AuthenticationResponse,
} from '../../host/ue/ue-aka.js';
import { Ausf, Seaf } from '../../host/network/ausf.js';
import { Udm } from '../../host/network/udm.js';
import { Trace } from '../../host/trace.js';
import { keccakF1600, tuakRef, tuakTopcRef } from '../../host/reference/tuak.js';
import { ContextStore } from '../../host/ue/context-store.js';
import { ME_IMAGE_TYPE, MeStorage } from '../../host/ue/me-storage.js';
import { AtomicStore, MemoryMedium, PowerCutMedium, PowerLossError, type Medium } from '../../host/storage/atomic-store.js';
import type { TuakParams } from '../../host/firmware/usim-module.js';
import { Usim, UsimPoweredOffError } from '../../host/usim/usim.js';
import { UeFirmware } from '../../host/firmware/ue-firmware.js';
import { hex, toHex, vectorCases } from '../helpers.js';

const kd = loadSync();
const SNN = servingNetworkName('001', '01');
const rnd = (n: number) => new Uint8Array(randomBytes(n));

interface Sub { supi: string; algo: 'milenage' | 'tuak'; k: Uint8Array; opc: Uint8Array; tuak?: TuakParams; services?: number[] }

/** A UE (USIM image on a medium, ME NVM, ME firmware) and a network (UDM, AUSF, SEAF) for one subscriber. */
function world(sub: Sub, usimMedium: Medium = new MemoryMedium(8192)) {
  const usim = Usim.create(usimMedium, { supi: sub.supi, k: sub.k, opc: sub.opc, algo: sub.algo, tuak: sub.tuak, services: sub.services });
  const meMedium = new MemoryMedium(4096);
  const cs = new ContextStore(MeStorage.open(AtomicStore.open(meMedium, { type: ME_IMAGE_TYPE })));
  cs.powerOn(usim.storage);
  const fw = new UeFirmware();                     // the ME firmware whose slot NEW takes the KAMF
  const ue = new UeAka({ usim, kd: fw.keys, contextStore: cs });
  const trace = new Trace();
  const udm = new Udm(trace);
  udm.provision({ supi: sub.supi, algorithm: sub.algo, k: sub.k, opc: sub.opc, tuak: sub.tuak });
  const ausf = new Ausf(udm);
  const seaf = new Seaf(ausf, SNN);
  return { sub, usim, usimMedium, meMedium, cs, fw, ue, trace, udm, ausf, seaf };
}
type World = ReturnType<typeof world>;

const asResponse = (r: AuthenticationResponse | AuthenticationFailure): AuthenticationResponse => {
  if (r.message !== 'AUTHENTICATION RESPONSE') throw new Error(`expected a response, got cause #${r.cause}`);
  return r;
};
const asFailure = (r: AuthenticationResponse | AuthenticationFailure): AuthenticationFailure => {
  if (r.message !== 'AUTHENTICATION FAILURE') throw new Error('expected an AUTHENTICATION FAILURE');
  return r;
};

/** One successful 5G AKA; checks that both sides hold the same keys and returns them. */
function aka(w: World, ngKsi = 1, abba = hex('0000')) {
  const req = w.seaf.startAuthentication(w.sub.supi, { ngKsi, abba });
  const resp = asResponse(w.ue.handleAuthenticationRequest(req, SNN));
  const net = w.seaf.handleAuthenticationResponse(resp.resStar);
  if (net.result !== 'success') throw new Error(net.reason);
  const xresStar = w.trace.steps.filter((t) => t.values.xres_star).at(-1)!.values.xres_star;
  expect(toHex(resp.resStar)).toBe(xresStar);                                // RES* = XRES* (A.4)
  expect(toHex(resp.context.kausf)).toBe(toHex(w.ausf.kausf(w.sub.supi)!)); // KAUSF (A.2)
  expect(toHex(resp.context.kseaf)).toBe(toHex(net.kseaf));                 // KSEAF (A.6)
  const slot = w.fw.read('new');                                            // KAMF (A.7), installed by the firmware
  expect([slot.type, slot.ngKsi, toHex(slot.kamf)]).toEqual(['partial-native', ngKsi, toHex(net.kamf)]);
  expect(resp.context.ngKsi).toBe(ngKsi);
  return { req, resp, net };
}

const digits = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 15 }).map((d) => d.join(''));
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const abbaArb = fc.uint8Array({ minLength: 2, maxLength: 6 });

describe('network ARPF algorithms (independent of the firmware)', () => {
  it('Keccak-f[1600] gives node:crypto SHA3-256 and SHA3-512 of one-block messages', () => {
    for (const [alg, rate] of [['sha3-256', 136], ['sha3-512', 72]] as const) {
      for (const len of [0, 1, 17, rate - 1]) {
        const m = rnd(len), s = new Uint8Array(200);
        s.set(m); s[len] ^= 0x06; s[rate - 1] ^= 0x80; // SHA-3 padding (FIPS 202 B.2)
        keccakF1600(s);
        expect(toHex(s.slice(0, alg === 'sha3-256' ? 32 : 64))).toBe(createHash(alg).update(m).digest('hex'));
      }
    }
  });

  const sets = vectorCases('ts35233-tuak.json');
  for (const v of sets) {
    it(`TUAK TOPc, f1, f1*, f2–f5, f5*: TS 35.233 Test Set ${v.test_set}`, () => {
      const L = v.lengths_bits;
      const topc = tuakTopcRef(hex(v.K), hex(v.TOP), v.keccak_iterations);
      expect(toHex(topc)).toBe(v.TOPc);
      const o = tuakRef(hex(v.K), topc, hex(v.RAND), hex(v.SQN), hex(v.AMF), { iterations: v.keccak_iterations, macBits: L.MAC, resBits: L.RES, ckBits: L.CK, ikBits: L.IK });
      expect([o.macA, o.macS, o.res, o.ck, o.ik, o.ak, o.akStar].map(toHex)).toEqual([v.f1, v.f1star, v.f2, v.f3, v.f4, v.f5, v.f5star]);
    });
  }

  it('serving network name (TS 24.501 9.12.1): a 2-digit MNC is padded to 3', () => {
    expect(SNN).toBe('5G:mnc001.mcc001.3gppnetwork.org');
    expect(servingNetworkName('310', '410')).toBe('5G:mnc410.mcc310.3gppnetwork.org');
    expect(() => servingNetworkName('31', '410')).toThrow(InputError);
  });
});

describe('5G AKA: UE and AUSF/SEAF agree on RES*, KAUSF, KSEAF, KAMF (TS 33.501 6.1.3.2)', () => {
  it('MILENAGE, random subscribers, ngKSI and ABBA', () => {
    fc.assert(fc.property(digits, bytes(16), bytes(16), fc.integer({ min: 0, max: 6 }), abbaArb, (supi, k, opc, ngKsi, abba) => {
      const w = world({ supi, algo: 'milenage', k, opc });
      aka(w, ngKsi, abba);
      aka(w, (ngKsi + 1) % 7, abba); // a second run with the next SQN
    }), { numRuns: 25 });
  });

  it('TUAK, random subscribers and parameters (K 128/256, MAC 64/128/256, RES 32/64/128, 1–3 iterations)', () => {
    const params = fc.record({
      iterations: fc.integer({ min: 1, max: 3 }), macBits: fc.constantFrom(64, 128, 256), resBits: fc.constantFrom(32, 64, 128),
    });
    fc.assert(fc.property(digits, fc.constantFrom(16, 32), bytes(32), bytes(32), params, fc.integer({ min: 0, max: 6 }), (supi, kLen, kk, topc, tuak, ngKsi) => {
      const w = world({ supi, algo: 'tuak', k: kk.slice(0, kLen), opc: topc, tuak });
      aka(w, ngKsi);
    }), { numRuns: 15 });
  });

  it('the trace records every message and key in the order of Figure 6.1.3.2-1', () => {
    const w = world({ supi: '001010000000001', algo: 'milenage', k: rnd(16), opc: rnd(16) });
    const { resp, net } = aka(w);
    const steps = w.trace.steps.map((t) => t.clause!.replace('TS 33.501 6.1.3.2 step ', ''));
    expect(steps).toEqual(['1', '2', '3', '4', '5', '6', '7', '9', '10', '11', '12', '12']);
    const keys = Object.assign({}, ...w.trace.steps.map((t) => t.values));
    expect(keys.kamf).toBe(toHex(net.kamf));
    expect(keys.res_star).toBe(toHex(resp.resStar));
    for (const k of ['rand', 'autn', 'xres_star', 'hxres_star', 'kausf', 'kseaf', 'ck', 'ik', 'ak', 'sqn']) expect(keys[k]).toMatch(/^[0-9a-f]+$/);
  });
});

describe('failures (TS 24.501 5.4.1.3.5, TS 33.501 6.1.3.3)', () => {
  const mk = (supi = '001010123456789') => world({ supi, algo: 'milenage', k: rnd(16), opc: rnd(16) });

  it('resynchronisation round trip: stale SQN → #21 with AUTS → AUSF/UDM resync → success', () => {
    const w = mk();
    for (let i = 0; i < 3; i++) aka(w);                                  // SEQ 1..3 accepted
    const before = w.usim.sqnState().sqnMs;
    w.udm.provision({ supi: w.sub.supi, algorithm: 'milenage', k: w.sub.k, opc: w.sub.opc }); // HE restored from an old backup: SEQ_HE = 0
    const stale = w.seaf.startAuthentication(w.sub.supi, { ngKsi: 2 });
    const f = asFailure(w.ue.handleAuthenticationRequest(stale, SNN));
    expect(f).toMatchObject({ cause: CAUSE_SYNCH_FAILURE, causeName: 'synch failure' });
    expect(f.auts!.length).toBe(14);
    expect(w.ue.pending?.ngKsi).toBe(1);                                 // the earlier partial context stays
    expect(w.usim.sqnState().sqnMs).toBe(before);                        // a failed check changes no SQN
    const again = w.seaf.handleAuthenticationFailure(f.cause, f.auts)!;
    expect(w.udm.seqHe(w.sub.supi)).toBe((before >> 5n) + 1n);           // SEQ_HE := SEQ_MS, then the new AV
    expect(w.trace.steps.some((t) => t.event.includes('MAC-S verified'))).toBe(true);
    const resp = asResponse(w.ue.handleAuthenticationRequest(again, SNN));
    const net = w.seaf.handleAuthenticationResponse(resp.resStar);
    expect(net.result === 'success' && toHex(net.kamf)).toBe(toHex(w.fw.read('new').kamf));
    expect(resp.context.ngKsi).toBe(2);
  });

  it('an AUTS with a wrong MAC-S ends the procedure; SQN_HE unchanged', () => {
    const w = mk();
    aka(w);
    w.udm.provision({ supi: w.sub.supi, algorithm: 'milenage', k: w.sub.k, opc: w.sub.opc });
    const f = asFailure(w.ue.handleAuthenticationRequest(w.seaf.startAuthentication(w.sub.supi), SNN));
    const auts = f.auts!.slice(); auts[13] ^= 1;
    const seq = w.udm.seqHe(w.sub.supi);
    expect(w.seaf.handleAuthenticationFailure(21, auts)).toBeNull();
    expect(w.udm.seqHe(w.sub.supi)).toBe(seq);
  });

  it('MAC failure → #20; the card image and the pending context are untouched', () => {
    const w = mk();
    const { resp, net } = aka(w);
    const kamfBefore = toHex(net.kamf);
    const image = (w.usimMedium as MemoryMedium).bytes.slice();
    for (const at of [0, 6, 7, 8, 15]) {                                  // SQN⊕AK, AMF, MAC-A
      const req = w.seaf.startAuthentication(w.sub.supi, { ngKsi: 3 });
      req.autn[at] ^= 0x01;
      const f = asFailure(w.ue.handleAuthenticationRequest(req, SNN));
      expect(f).toMatchObject({ cause: CAUSE_MAC_FAILURE, causeName: 'MAC failure' });
      expect(f.auts).toBeUndefined();
      expect(w.seaf.handleAuthenticationFailure(f.cause)).toBeNull();
    }
    expect(Buffer.from((w.usimMedium as MemoryMedium).bytes).equals(Buffer.from(image))).toBe(true);
    expect(toHex(w.ue.pending!.kseaf)).toBe(toHex(resp.context.kseaf));
    expect(toHex(w.fw.read('new').kamf)).toBe(kamfBefore);
  });

  it('AMF separation bit 0 → #26 "non-5G authentication unacceptable", no keys derived', () => {
    const w = mk();
    for (const amf of ['0000', '7fff']) {
      const req = w.seaf.startAuthentication(w.sub.supi, { amf: hex(amf) });
      const f = asFailure(w.ue.handleAuthenticationRequest(req, SNN));
      expect(f).toMatchObject({ cause: CAUSE_NON_5G_AUTHENTICATION_UNACCEPTABLE, causeName: 'non-5G authentication unacceptable' });
      expect(w.ue.pending).toBeNull();
      w.seaf.handleAuthenticationFailure(f.cause);
    }
    aka(w); // AMF 8000: accepted
  });

  it('bad Authentication Request fields are named', () => {
    const w = mk();
    const req = w.seaf.startAuthentication(w.sub.supi);
    expect(() => w.ue.handleAuthenticationRequest({ ...req, ngKsi: 7 }, SNN)).toThrow('ngKsi must be a native KSI 0..6, got 7');
    expect(() => w.ue.handleAuthenticationRequest({ ...req, abba: hex('00') }, SNN)).toThrow(/abba must be at least 2 bytes/);
    expect(() => w.ue.handleAuthenticationRequest({ ...req, autn: req.autn.slice(0, 15) }, SNN)).toThrow('autn must be 16 bytes, got 15');
  });
});

describe('KAUSF/KSEAF become valid and are stored only when the SMC is accepted (TS 24.501 5.4.2.1)', () => {
  it('EF 5GAUTHKEYS stays empty until acceptSmc(); a later AKA does not replace the keys before its SMC', () => {
    const w = world({ supi: '001010000000042', algo: 'milenage', k: rnd(16), opc: rnd(16) });
    const first = aka(w, 4);
    expect(w.cs.loadAuthKeys()).toMatchObject({ valid: false });
    expect(w.usim.storage.readAuthKeys()).toMatchObject({ valid: false });
    expect(() => w.ue.acceptSmc(5)).toThrow(AkaStateError);              // the SMC names another ngKSI
    const ctx = w.ue.acceptSmc(4);
    expect([ctx.ngKsi, toHex(ctx.kseaf)]).toEqual([4, toHex(first.net.kseaf)]);
    expect(toHex(w.fw.read('new').kamf)).toBe(toHex(first.net.kamf));          // the KAMF stayed in the firmware
    expect(w.ue.pending).toBeNull();
    expect(() => w.ue.acceptSmc()).toThrow(AkaStateError);
    const stored = w.cs.loadAuthKeys();
    expect(stored?.valid && [toHex(stored.kausf), toHex(stored.kseaf)]).toEqual([toHex(first.resp.context.kausf), toHex(first.resp.context.kseaf)]);
    // power cycle: the keys are on the card
    const again = Usim.open(w.usimMedium);
    expect(again.storage.readAuthKeys()).toMatchObject({ valid: true, kausf: first.resp.context.kausf });
    // a new 5G AKA: the stored keys stay the old ones until its SMC
    const second = aka(w, 5);
    expect(w.cs.loadAuthKeys()).toMatchObject({ valid: true, kausf: first.resp.context.kausf });
    w.ue.acceptSmc(5);
    expect(w.cs.loadAuthKeys()).toMatchObject({ valid: true, kausf: second.resp.context.kausf, kseaf: second.net.kseaf });
  });

  it('without service n°123 the keys go to ME NVM with the SUPI', () => {
    const w = world({ supi: '001010000000043', algo: 'milenage', k: rnd(16), opc: rnd(16), services: [122] });
    const r = aka(w);
    expect(w.cs.loadAuthKeys()).toBeNull();
    w.ue.acceptSmc();
    expect(w.cs.loadAuthKeys()).toMatchObject({ valid: true, kausf: r.resp.context.kausf });
    expect(Buffer.from(w.meMedium.bytes).includes(Buffer.from(r.resp.context.kseaf))).toBe(true);
  });
});

describe('power cycles: the USIM image carries SQN_MS', () => {
  it('a new Usim.open of the same image file refuses a replayed AUTN and accepts the next vector', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ue-keys-aka-'));
    try {
      const path = join(dir, 'usim.img');
      const sub: Sub = { supi: '001010000000007', algo: 'milenage', k: rnd(16), opc: rnd(16) };
      Usim.create(path, { supi: sub.supi, k: sub.k, opc: sub.opc }).powerOff();
      expect(() => Usim.create(path, { supi: sub.supi, k: sub.k, opc: sub.opc })).toThrow(/already exists/);
      const net = world(sub); // network side (its own UE is not used)
      const req = net.seaf.startAuthentication(sub.supi);
      const ue1 = new UeAka({ usim: Usim.open(path), kd });
      const resp = asResponse(ue1.handleAuthenticationRequest(req, SNN));
      expect(net.seaf.handleAuthenticationResponse(resp.resStar).result).toBe('success');
      (ue1.usim as Usim).powerOff();
      expect(() => (ue1.usim as Usim).authenticate(req.rand, req.autn)).toThrow(UsimPoweredOffError);
      const card = Usim.open(path);                                       // power cycle
      expect(card.authenticate(req.rand, req.autn).kind).toBe('sync-failure');
      expect(asFailure(new UeAka({ usim: card, kd }).handleAuthenticationRequest(req, SNN)).cause).toBe(CAUSE_SYNCH_FAILURE);
      const next = net.seaf.startAuthentication(sub.supi);
      expect(Usim.open(path).authenticate(next.rand, next.autn).kind).toBe('ok');
      expect(Usim.open(path).authenticate(next.rand, next.autn).kind).toBe('sync-failure');
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('a power loss at any write step of the SQN commit: no RES leaves the card, SQN_MS is old or new', () => {
    const sub: Sub = { supi: '001010000000008', algo: 'milenage', k: rnd(16), opc: rnd(16) };
    const base = new MemoryMedium(8192);
    const w = world(sub, base);
    const req = w.seaf.startAuthentication(sub.supi);
    const copy = () => { const m = new MemoryMedium(base.size); m.bytes.set(base.bytes); return m; };
    const count = new PowerCutMedium(copy());
    expect(Usim.open(count).authenticate(req.rand, req.autn).kind).toBe('ok');
    const steps = count.steps;
    expect(steps).toBeGreaterThan(2);
    const seen = new Set<string>();
    for (let cut = 0; cut < steps; cut++) {
      for (const torn of [0, 5]) {
        const m = copy();
        const u = Usim.open(new PowerCutMedium(m, cut, torn));
        expect(() => u.authenticate(req.rand, req.autn)).toThrow(PowerLossError);
        expect(u.poweredOn).toBe(false);
        const after = Usim.open(m).sqnState().sqnMs;                     // next power-on
        seen.add(after === 0n ? 'old' : 'new');
        // with the old state the card may answer the AUTN now (it never answered before)
        expect(Usim.open(m).authenticate(req.rand, req.autn).kind).toBe(after === 0n ? 'ok' : 'sync-failure');
      }
    }
    expect(seen).toEqual(new Set(['old', 'new']));
  });

  it('Usim.create: named errors, SQN parameters kept in the image, a used medium refused', () => {
    expect(() => Usim.create(new MemoryMedium(8192), { supi: '001010000000010', k: rnd(15), opc: rnd(16) })).toThrow('k must be 16 bytes, got 15');
    expect(() => Usim.create(new MemoryMedium(8192), { supi: '0010', k: rnd(16), opc: rnd(16) })).toThrow(InputError);
    const m = new MemoryMedium(8192);
    const u = Usim.create(m, { supi: 'imsi-001010000000010', k: rnd(16), opc: rnd(16), sqn: { indBits: 0, delta: 1000, ageLimit: 3 } });
    expect(u.supi).toBe('001010000000010');
    expect(Usim.open(m).sqnState()).toMatchObject({ indBits: 0, delta: 1000n, ageLimit: 3n });
    expect(() => Usim.create(m, { supi: '001010000000011', k: rnd(16), opc: rnd(16) })).toThrow(/already holds an image/);
    expect(Usim.open(m).supi).toBe('001010000000010');
    expect(() => Usim.open(new MemoryMedium(8192))).toThrow(/blank/);
  });

  it('show() never reveals K or OPc/TOPc', () => {
    for (const algo of ['milenage', 'tuak'] as const) {
      const k = rnd(16), opc = rnd(algo === 'tuak' ? 32 : 16);
      const u = Usim.create(new MemoryMedium(8192), { supi: '001010000000009', k, opc, algo });
      const text = JSON.stringify(u.show());
      expect(text).not.toContain(toHex(k));
      expect(text).not.toContain(toHex(opc));
      expect(u.show()).toMatchObject({ supi: '001010000000009', algorithm: { name: algo, kBits: 128 }, cardState: { bytes: 384 } });
    }
  });
});
