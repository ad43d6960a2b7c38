// An N2 handover's NASC (TS 24.501 9.11.3.70) whose NAS-MAC fails, followed by more downlink and
// uplink messages of the same UE. The messages come from the network model (host/network,
// node:crypto 128-NIA2/NEA2) and the UE device (its firmware protects the uplink); the expected
// COUNTs are the ones those sides used, not the decipherer's.
//
// TS 33.501 6.9.2.3.4: "If the UE fails the NAS-MAC verification of the received Intra N1 mode NAS
// transparent container, the UE shall abort the handover" — it keeps its current context, so no
// KAMF′ is taken into use. TS 24.501 4.4.3.2: a message whose integrity check fails is discarded;
// 4.4.3.1: the receiver updates its NAS COUNT only for a message that passes the integrity check.
// So the failed NASC must move neither the stored DL COUNT (its 8-bit SQN would otherwise reset
// the overflow estimate) nor the key: what follows verifies with the old context.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decipher, tempDir } from './helpers.js';
import { tapScenario } from '../../host/capture/scenario-tap.js';
import { toN2Messages } from '../../host/capture/scenario-capture.js';
import { n2Frames, type N2Message } from '../../host/capture/n2-capture.js';
import { pcapBytes, LINKTYPE } from '../../host/capture/pcap-write.js';
import { World, guti, withSubscriber } from '../../host/scenarios/setup.js';
import { Amf } from '../../host/network/amf.js';
import { n2HandoverTarget } from '../../host/network/mme.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
/** CONFIGURATION UPDATE COMMAND with no optional IE (TS 24.501 8.2.19). */
const CUC = Uint8Array.of(0x7e, 0x00, 0x54);
/** 5GMM STATUS, cause #111 protocol error, unspecified (TS 24.501 8.2.29). */
const STATUS = Uint8Array.of(0x7e, 0x00, 0x64, 0x6f);

interface Expect { dir: 'DL' | 'UL'; count: number; plain: Uint8Array }

/**
 * A UE registered at the source AMF (5G AKA + SMC), `dlBefore` protected downlink messages, the
 * target AMF's NASC with KACF = 1 (`forge` reshapes it so its MAC fails), then DL/UL/DL/UL with
 * the old context (the UE stays with the source: it never took the NASC).
 */
function abortedHandover(seed: number, dlBefore: number, forge: (nasc: Uint8Array) => void): { messages: N2Message[]; after: Expect[]; handoverDl: number } {
  return withSubscriber({}, () => {
    let w!: World, amf!: Amf;
    const g = guti(1, seed);
    const { messages: tapped } = tapScenario(() => {
      w = new World(seed);
      amf = new Amf('AMF', w.trace);
      w.initialRegistration(amf, g);
    });
    const src = amf.find(g)!;
    const before = Array.from({ length: dlBefore }, () => src.nas.protectDownlink(2, CUC));
    const t = n2HandoverTarget(src, { kacf: true }, w.trace);
    const nasc = Uint8Array.from(t.nasc);
    forge(nasc);
    const after: Expect[] = [];
    const messages: N2Message[] = [...toN2Messages(tapped), ...before.map((d) => ({ dir: 'dl' as const, amf: 'AMF', nas: d.message })),
      { dir: 'dl', amf: 'target AMF', nas: nasc, nasc: true }];
    for (let i = 0; i < 2; i++) {
      const dl = src.nas.protectDownlink(2, CUC);
      const ul = w.ue.uplink(STATUS, 2);
      messages.push({ dir: 'dl', amf: 'AMF', nas: dl.message }, { dir: 'ul', amf: 'AMF', nas: ul.message });
      after.push({ dir: 'DL', count: dl.count, plain: CUC }, { dir: 'UL', count: ul.count, plain: STATUS });
    }
    return { messages, after, handoverDl: t.dlCount };
  });
}

function run(messages: N2Message[]) {
  const t = tempDir();
  try {
    const f = join(t.dir, 'ho.pcap');
    writeFileSync(f, pcapBytes(LINKTYPE.ETHERNET, n2Frames(messages)));
    return decipher(f);
  } finally { t.done(); }
}

describe('decipher: an N2 handover NASC whose NAS-MAC fails (TS 33.501 6.9.2.3.3/6.9.2.3.4, TS 24.501 4.4.3.1/4.4.3.2)', () => {
  it('a message whose integrity check fails is discarded and COUNT is updated only for an accepted message: a NASC with a forged SQN (0x05 after DL COUNT 240) fails, and the DL/UL messages after it verify with the old context at their true COUNTs', () => {
    // the SQN octet is covered by the container's NAS-MAC: changing it makes the MAC fail. Taken
    // into use, SQN 0x05 after DL COUNT 240 would mean COUNT 0x105 (overflow + 1) and every later
    // downlink message would be estimated 256 too high
    const { messages, after, handoverDl } = abortedHandover(21, 239, (c) => { c[6] = 0x05; });
    expect(handoverDl).toBe(241);                 // DL COUNT 240 was the last message before it
    const { reports, summary } = run(messages);
    const nasc = reports.find((r) => r.messageType.startsWith('NASC'))!;
    expect(nasc.mac).toBe('failed');
    expect(nasc.count).toBe(0x105);               // the estimate it would have meant, reported
    const tail = reports.slice(-4);
    expect(tail.map((r) => [r.direction, r.count, r.mac, r.plain])).toEqual(after.map((e) => [e.dir, e.count, 'verified', hex(e.plain)]));
    // the old context, not KAMF′ (nor a fall-back to a "previous" context): 128-NEA2/128-NIA2 of
    // the registration, and the only note is the DL COUNT the source AMF spent on the handover
    expect(tail.map((r) => r.algorithm)).toEqual(Array(4).fill('128-NEA2/128-NIA2'));
    expect(tail.map((r) => r.notes ?? [])).toEqual([[`DL COUNT gap: 1 message(s) missing before COUNT ${after[0].count}`], [], [], []]);
    expect(summary.failed).toBe(1);
  });

  it('a NASC with KACF = 1 whose NAS-MAC is corrupted is discarded (the UE aborts the handover, 6.9.2.3.4): no KAMF′, the DL COUNT it names is not taken into use, the DL/UL messages after it verify with the old KAMF', () => {
    const { messages, after, handoverDl } = abortedHandover(22, 3, (c) => { c[0] ^= 0x01; });
    const { reports } = run(messages);
    const nasc = reports.find((r) => r.messageType.startsWith('NASC'))!;
    expect([nasc.mac, nasc.count]).toEqual(['failed', handoverDl]);
    const tail = reports.slice(-4);
    expect(tail.map((r) => [r.direction, r.count, r.mac, r.plain])).toEqual(after.map((e) => [e.dir, e.count, 'verified', hex(e.plain)]));
    // COUNT handoverDl was never accepted: the next downlink message shows it as missing; a NASC
    // whose COUNT had been committed would leave no gap, one whose KAMF′ had been installed would
    // need the "previous context" fall-back (a note) to verify these messages
    expect(after[0].count).toBe(handoverDl + 1);
    expect(tail.map((r) => r.notes ?? [])).toEqual([[`DL COUNT gap: 1 message(s) missing before COUNT ${handoverDl + 1}`], [], [], []]);
  });
});
