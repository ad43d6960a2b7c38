/**
 * `ue-keys run SCENARIO … --pcap FILE`: the scenario runs with the tap on (scenario-tap.ts) and
 * every NAS message between the UE and the AMF(s) is written as an N2 capture (n2-capture.ts).
 * EPS NAS to an MME (interworking) is not N2 and is not written.
 */
import { LINKTYPE, PcapWriter } from './pcap-write.js';
import { amfOf, tapScenario, type TappedMessage } from './scenario-tap.js';
import { n2Frames, type N2Message } from './n2-capture.js';

export function toN2Messages(tapped: TappedMessage[]): N2Message[] {
  return tapped.filter((m) => m.nas[0] === 0x7e || m.nasc).map((m) => ({ dir: m.dir, amf: amfOf(m), nas: m.nas, initial: m.initial, nasc: m.nasc }));
}

/** Open `path` first (so a bad path fails before the run), run, write; returns the frame count
 *  and the tapped messages (the tests compare them with what decipher finds). */
export function runWithCapture<T>(path: string, run: () => T): { result: T; frames: number; tapped: TappedMessage[] } {
  const w = new PcapWriter(path, LINKTYPE.ETHERNET);
  try {
    const { result, messages } = tapScenario(run);
    const frames = n2Frames(toN2Messages(messages));
    for (const f of frames) w.write(f.timeUs, f.data);
    return { result, frames: frames.length, tapped: messages };
  } finally { w.close(); }
}
