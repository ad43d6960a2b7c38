/**
 * `ue-keys run SCENARIO … --pcap FILE`: the scenario runs with the tap on (scenario-tap.ts) and
 * every NAS message between the UE and the AMF(s) is written as an N2 capture (n2-capture.ts).
 * EPS NAS to an MME (interworking) is not N2 and is not written.
 */
import { LINKTYPE, PcapWriter } from './pcap-write.js';
import { amfOf, tapScenario, type TappedMessage } from './scenario-tap.js';
import { n2Frames, type N2Message } from './n2-capture.js';

/** After a NASC the UE rejected (an aborted handover, TS 33.501 6.9.2.3.4) the UE stays with the
 *  source AMF: what the trace would place at the target AMF goes to the source until the UE's next
 *  InitialUEMessage. */
export function toN2Messages(tapped: TappedMessage[]): N2Message[] {
  const out: N2Message[] = [];
  let stay: { target: string; source: string } | null = null;
  for (const m of tapped) {
    if (m.nas[0] !== 0x7e && !m.nasc) continue;
    let amf = amfOf(m);
    if (m.initial) stay = null;
    else if (stay && amf === stay.target) amf = stay.source;
    if (m.nasc && m.aborted && out.length) stay = { target: amf, source: out[out.length - 1].amf };
    out.push({ dir: m.dir, amf, nas: m.nas, initial: m.initial, nasc: m.nasc });
  }
  return out;
}

/** Open `path` first (so a bad path fails before the run), run, write; returns the frame count
 *  and the tapped messages (the tests compare them with what decipher finds). */
export function runWithCapture<T>(path: string, run: () => T): { result: T; frames: number; tapped: TappedMessage[] } {
  const w = new PcapWriter(path, LINKTYPE.ETHERNET);
  try {
    const { result, messages } = tapScenario(run);
    const frames = n2Frames(toN2Messages(messages), undefined, { releaseAtEnd: true });
    for (const f of frames) w.write(f.timeUs, f.data);
    return { result, frames: frames.length, tapped: messages };
  } finally { w.close(); }
}
