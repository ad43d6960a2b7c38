/**
 * `npm start` / `ue-keys demo`: a whole 5G key chain for a sample subscriber, printed as a table
 * with the clause of each step. CK/IK are those of TS 35.208 MILENAGE Test Set 1 (the USIM's
 * output for that RAND), the network is the test PLMN 001/01.
 */
import { toHex, fromHex } from '../hex.js';
import { ueApi } from './kdf-commands.js';
import { applySpecs, split, unexpected, type FlagSpec } from './args.js';
import type { Command } from './registry.js';

export const SAMPLE = {
  supi: 'imsi-001010000000001',
  snn: '5G:mnc001.mcc001.3gppnetwork.org',
  ck: fromHex('b40ba9a3c58b2a05bbf0d987b21bf8cb'), // TS 35.208 Test Set 1 f3
  ik: fromHex('f769bcd751044604127672711c6d3441'), // TS 35.208 Test Set 1 f4
  rand: fromHex('23553cbe9637a89d218ae64dae47bf35'),
  res: fromHex('a54211d5e3ba50bf'),                // TS 35.208 Test Set 1 f2
  sqnXorAk: fromHex('55f328b43577'),               // SQN ff9bb4d0b607 ⊕ AK aa689c648370
  abba: fromHex('0000'),
  nea: 2, nia: 2,
  ulCountInitial: 0,           // UL NAS COUNT of the message that moved the UE to CM-CONNECTED
  ulCountRegistration: 3,      // UL NAS COUNT of the mobility Registration Request (A.13 input)
};

const DEMO_FLAGS: FlagSpec[] = [{ name: 'json', kind: 'bool' }];

interface Row { step: string; key: string; clause: string; inputs: string; value: string }

export function demoChain(): Row[] {
  const api = ueApi();
  const s = SAMPLE;
  const rows: Row[] = [];
  const add = (step: string, key: string, clause: string, inputs: string, v: Uint8Array) => { rows.push({ step, key, clause, inputs, value: toHex(v) }); return v; };
  add('0', 'CK', 'TS 35.206 f3', 'USIM (TS 35.208 set 1)', s.ck);
  add('0', 'IK', 'TS 35.206 f4', 'USIM (TS 35.208 set 1)', s.ik);
  add('1', 'RES*', 'TS 33.501 A.4', 'CK‖IK, SNN, RAND, RES', api.resStar({ ck: s.ck, ik: s.ik, snn: s.snn, rand: s.rand, res: s.res }));
  const kausf = add('2', 'KAUSF', 'TS 33.501 A.2', 'CK‖IK, SNN, SQN⊕AK', api.kausf({ ck: s.ck, ik: s.ik, snn: s.snn, sqnXorAk: s.sqnXorAk }));
  const kseaf = add('3', 'KSEAF', 'TS 33.501 A.6', 'KAUSF, SNN', api.kseaf({ kausf, snn: s.snn }));
  const kamf = add('4', 'KAMF', 'TS 33.501 A.7', 'KSEAF, SUPI, ABBA 0000', api.kamf({ kseaf, supi: s.supi, abba: s.abba }));
  const nas = api.nasKeys({ kamf, nea: s.nea, nia: s.nia });
  add('5', 'KNASenc', 'TS 33.501 A.8', `KAMF, N-NAS-enc, 128-NEA${s.nea}`, nas.knasenc);
  add('5', 'KNASint', 'TS 33.501 A.8', `KAMF, N-NAS-int, 128-NIA${s.nia}`, nas.knasint);
  const kgnb = add('6', 'KgNB', 'TS 33.501 A.9', `KAMF, UL COUNT ${s.ulCountInitial}, 3GPP`, api.kgnb({ kamf, ulCount: s.ulCountInitial }));
  add('7', 'NH (NCC 1)', 'TS 33.501 A.10', 'KAMF, SYNC = KgNB', api.nh({ kamf, sync: kgnb }));
  const kamfNew = add('8', "KAMF′", 'TS 33.501 A.13', `KAMF, DIR 0, UL COUNT ${s.ulCountRegistration} (Registration Request)`, api.kamfPrime({ kamf, direction: 0, count: s.ulCountRegistration }));
  const nas2 = api.nasKeys({ kamf: kamfNew, nea: s.nea, nia: s.nia });
  add('9', "KNASint′", 'TS 33.501 A.8', "KAMF′, N-NAS-int", nas2.knasint);
  add('9', "KgNB′", 'TS 33.501 A.9', "KAMF′, UL COUNT 0 (NCC 0)", api.kgnb({ kamf: kamfNew, ulCount: 0 }));
  return rows;
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'derive a full 5G key chain for a sample subscriber and print it as a table',
  usage: 'ue-keys demo [--json]',
  run(argv) {
    const p = split(argv, new Set(['json']));
    if (p.positionals.length) throw unexpected('demo', p.positionals[0]);
    const a = applySpecs(DEMO_FLAGS, p.flags, 'demo');
    const rows = demoChain();
    if (a.json) { console.log(JSON.stringify({ subscriber: { supi: SAMPLE.supi, snn: SAMPLE.snn }, chain: rows })); return 0; }
    console.log(`ue-keys demo — subscriber ${SAMPLE.supi}, serving network ${SAMPLE.snn}`);
    console.log('Every key below was derived by the firmware module (build/ue.wasm).\n');
    const width = (f: keyof Row, title: string) => Math.max(title.length, ...rows.map((r) => r[f].length)) + 2;
    const w = { step: width('step', '#'), key: width('key', 'key'), clause: width('clause', 'clause'), inputs: width('inputs', 'inputs') };
    console.log(`${'#'.padEnd(w.step)}${'key'.padEnd(w.key)}${'clause'.padEnd(w.clause)}${'inputs'.padEnd(w.inputs)}value`);
    console.log('-'.repeat(w.step + w.key + w.clause + w.inputs + 64));
    for (const r of rows) console.log(`${r.step.padEnd(w.step)}${r.key.padEnd(w.key)}${r.clause.padEnd(w.clause)}${r.inputs.padEnd(w.inputs)}${r.value}`);
    console.log('\nMore: ue-keys derive --help · ue-keys kdf --help · npm test');
    return 0;
  },
};
