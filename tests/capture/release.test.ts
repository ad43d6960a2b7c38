// UEContextReleaseCommand / UEContextReleaseComplete (TS 38.413 8.3.3, 9.2.2.5, 9.2.2.6) in the
// decipherer's bookkeeping. A release ends a UE-associated N2 connection: the gNB and the AMF may
// then give its RAN-UE-NGAP-ID and AMF-UE-NGAP-ID to another UE ("the AMF UE NGAP ID … is unique
// within the AMF" only while the UE is associated, 9.3.3.1/9.3.3.2). The UE keeps its NAS
// security context across the release (TS 24.501 4.4.2.x: the context outlives the N1 signalling
// connection), so its next InitialUEMessage — a REGISTRATION REQUEST with its 5G-GUTI — continues
// that context. Messages from the network model (host/network) and the UE device; tshark, which
// we did not write, decodes the release messages and their ids.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decipher, tempDir } from './helpers.js';
import { tapScenario } from '../../host/capture/scenario-tap.js';
import { toN2Messages } from '../../host/capture/scenario-capture.js';
import { n2Frames, START_US, type N2Frame, type N2Message } from '../../host/capture/n2-capture.js';
import { pcapBytes, LINKTYPE } from '../../host/capture/pcap-write.js';
import { n2Frame } from '../../host/capture/n2-build.js';
import { ueContextReleaseCommand, ueContextReleaseComplete, walkNgap } from '../../host/capture/ngap.js';
import { World, guti, withSubscriber } from '../../host/scenarios/setup.js';
import { Amf } from '../../host/network/amf.js';
import { runN2Handover } from '../../host/scenarios/n2-handover.js';
import * as M from '../../host/nas/messages.js';

const TSHARK = spawnSync('tshark', ['-v']).status === 0 || !!process.env.CI;
const CUC = Uint8Array.of(0x7e, 0x00, 0x54); // CONFIGURATION UPDATE COMMAND (TS 24.501 8.2.19)
const SUPI_B = '001010000000002';

/** Frames of several separate runs one after the other (1 s apart), each numbered from the same
 *  RAN-UE-NGAP-ID and AMF-UE-NGAP-ID: every id of a later run is one an earlier run released. */
function sequence(runs: N2Message[][]): N2Frame[] {
  return runs.flatMap((m, i) => n2Frames(m, START_US + i * 1_000_000, { ranBase: 1, amfIdBase: 1, releaseAtEnd: true }));
}

function write(frames: Array<{ timeUs: number; data: Uint8Array }>, dir: string): string {
  const f = join(dir, 'rel.pcap');
  writeFileSync(f, pcapBytes(LINKTYPE.ETHERNET, frames));
  return f;
}

/** tshark over the capture: procedure code, the ids (also inside UE-NGAP-IDs), expert, malformed.
 *  The runs repeat SCTP TSNs (each numbered from 1), so TSN analysis is off. */
function tshark(f: string): string[][] {
  const r = spawnSync('tshark', ['-r', f, '-o', 'sctp.tsn_analysis:FALSE', '-T', 'fields', '-E', 'occurrence=f',
    '-e', 'ngap.procedureCode', '-e', 'ngap.AMF_UE_NGAP_ID', '-e', 'ngap.RAN_UE_NGAP_ID', '-e', '_ws.expert.severity', '-e', '_ws.malformed'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t'));
}

describe('NGAP UEContextRelease (TS 38.413 9.2.2.5 / 9.2.2.6): built, walked, decoded by tshark', () => {
  it('UE-NGAP-IDs CHOICE: the pair and the AMF-UE-NGAP-ID alone, at the ends of their ranges (0..2^40−1, 0..2^32−1); tshark reads the same ids, cause nas normal-release, no expert note', () => {
    const cases: Array<[Uint8Array, number, number | undefined]> = [
      [ueContextReleaseCommand(5, 3), 5, 3], [ueContextReleaseCommand(300_000, 70_000), 300_000, 70_000],
      [ueContextReleaseCommand(2 ** 40 - 1), 2 ** 40 - 1, undefined], [ueContextReleaseCommand(0), 0, undefined],
      [ueContextReleaseComplete(2 ** 40 - 1, 2 ** 32 - 1), 2 ** 40 - 1, 2 ** 32 - 1],
    ];
    for (const [m, amf, ran] of cases) {
      const w = walkNgap(m);
      expect([w.procedureCode, w.amfUeId, w.ranUeId, w.nasPdus.length]).toEqual([41, amf, ran, 0]);
    }
    if (!TSHARK) return;
    const t = tempDir();
    try {
      const gnb = { ip: '10.0.0.1', mac: 1 }, amf = { ip: '10.0.1.1', mac: 0x10 };
      // the commands from the AMF, the complete (the last case) from the gNB
      const f = write(cases.map(([m], i) => ({ timeUs: START_US + i * 1000, data: i === 4 ? n2Frame(gnb, amf, true, [{ stream: 1, tsn: 1, data: m }], 1) : n2Frame(amf, gnb, false, [{ stream: 1, tsn: i + 1, data: m }], 2) })), t.dir);
      const rows = tshark(f);
      expect(rows).toEqual(cases.map(([, a, r]) => ['41', String(a), r === undefined ? '' : String(r), '', '']));
      const v = spawnSync('tshark', ['-r', f, '-Y', 'frame.number == 1', '-V'], { encoding: 'utf8' }).stdout;
      expect(v).toMatch(/UEContextReleaseCommand/);
      expect(v).toMatch(/nas: normal-release \(0\)/);
      expect(spawnSync('tshark', ['-r', f, '-Y', 'frame.number == 5', '-V'], { encoding: 'utf8' }).stdout).toMatch(/UEContextReleaseComplete/);
    } finally { t.done(); }
  }, 60_000);
});

describe('decipher: a released connection\'s NGAP ids reused by another UE (TS 38.413 8.3.3)', () => {
  it('two UEs handed over one after the other with the same RAN/AMF ids: the second UE\'s NASC (HandoverRequest, AMF-UE-NGAP-ID 101, which the first UE\'s released target connection had) belongs to the second UE; every MAC verified, no message mixed', () => {
    const tapped = (supi: string | undefined, seed: number) => withSubscriber({ supi }, () => toN2Messages(tapScenario(() => runN2Handover({ kacf: true, seed })).messages));
    const a = tapped(undefined, 41), b = tapped(SUPI_B, 42);
    const frames = sequence([a, b]);
    const t = tempDir();
    try {
      const f = write(frames, t.dir);
      const { reports, summary, notes } = decipher(f);
      expect(notes).toEqual([]);
      expect(summary).toMatchObject({ ues: 2, akaRuns: 2, failed: 0, unverifiable: 0, released: 4 }); // per UE: the source connection after the handover, the target one at the end
      // UE 1 sent and got the first run's messages, UE 2 the second's, in order
      expect(reports.map((r) => r.ue)).toEqual([...a.map(() => 1), ...b.map(() => 2)]);
      expect(reports.filter((r) => r.mac !== null).every((r) => r.mac === 'verified')).toBe(true);
      const nascs = reports.filter((r) => r.messageType.startsWith('NASC'));
      expect(nascs.map((r) => [r.ue, r.mac])).toEqual([[1, 'verified'], [2, 'verified']]);
      if (TSHARK) {
        const rows = tshark(f);
        expect(rows.filter(([p, , , sev, mal]) => !p || sev || mal)).toEqual([]);
        // the second run's HandoverRequest (13) names the AMF-UE-NGAP-ID the first run's target AMF released
        const ho = rows.filter(([p]) => p === '13').map(([, amf]) => amf);
        expect(ho).toEqual(['101', '101']);
        const released = rows.filter(([p]) => p === '41').map(([, amf, ran]) => `${amf}/${ran}`);
        expect(released.slice(0, 4)).toEqual(released.slice(4)); // the same ids released twice
      }
    } finally { t.done(); }
  }, 60_000);

  it('the first UE comes back after the second used its ids: its REGISTRATION REQUEST with its 5G-GUTI in a new InitialUEMessage continues its security context (verified, same UE, COUNTs go on)', () => {
    const g = guti(1, 51);
    let w!: World, amf!: Amf;
    const first = withSubscriber({}, () => toN2Messages(tapScenario(() => { w = new World(51); amf = new Amf('AMF', w.trace); w.initialRegistration(amf, g); }).messages));
    const nasA = amf.find(g)!.nas;
    const dlA = nasA.protectDownlink(2, CUC);
    const second = withSubscriber({ supi: SUPI_B }, () => toN2Messages(tapScenario(() => { const w2 = new World(52); w2.initialRegistration(new Amf('AMF', w2.trace), guti(1, 52)); }).messages));
    // UE A, idle, registers again (periodic update) with the 5G-GUTI it got: integrity protected with its context
    const rr = withSubscriber({}, () => w.ue.registrationRequest(M.REG_TYPE.PERIODIC_UPDATING));
    const ul = nasA.verifyUplink(rr.message);
    expect(ul).not.toBeNull();                   // the AMF model accepts it: the UE kept its context
    const back = nasA.protectDownlink(2, CUC);
    const t = tempDir();
    try {
      const f = write(sequence([[...first, { dir: 'dl', amf: 'AMF', nas: dlA.message }], second,
        [{ dir: 'ul', amf: 'AMF', nas: rr.message, initial: true }, { dir: 'dl', amf: 'AMF', nas: back.message }]]), t.dir);
      const { reports, summary } = decipher(f);
      expect(summary).toMatchObject({ ues: 2, akaRuns: 2, failed: 0, released: 3 });
      const last = reports.slice(-2);
      expect(last.map((r) => [r.ue, r.direction, r.count, r.mac])).toEqual([[1, 'UL', ul!.count, 'verified'], [1, 'DL', back.count, 'verified']]);
      expect(last[0].messageType).toMatch(/REGISTRATION REQUEST/);
      expect(last[1].plain).toBe('7e0054');
      if (TSHARK) expect(tshark(f).filter(([p, , , sev, mal]) => !p || sev || mal)).toEqual([]);
    } finally { t.done(); }
  }, 60_000);
});
