/**
 * `npm run bench decipher`: NAS messages per second through `ue-keys decipher`'s engine on a
 * 100,000-message N2 capture (one registration — 5G AKA, SMC — then downlink messages the network
 * model protects with 128-NEA2/NIA2), and the peak RSS of the deciphering process at 10,000 and
 * 100,000 messages (streaming: it should not grow with the capture). Each decipher runs in its own
 * child process so its peak RSS is its own.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tapScenario } from '../../capture/scenario-tap.js';
import { toN2Messages } from '../../capture/scenario-capture.js';
import { n2Frames, type N2Message } from '../../capture/n2-capture.js';
import { LINKTYPE, PcapWriter } from '../../capture/pcap-write.js';
import { decipherCapture } from '../../capture/decipher-run.js';
import { World, guti, SUBSCRIBER } from '../../scenarios/setup.js';
import { Amf } from '../../network/amf.js';

const CUC = Uint8Array.of(0x7e, 0x00, 0x54); // CONFIGURATION UPDATE COMMAND, no optional IE

/** Write a capture of `n` NAS messages; frames built in batches so memory stays small. */
function makeCapture(path: string, n: number): void {
  let head: N2Message[];
  let nas: ReturnType<Amf['find']> | undefined;
  const tapped = tapScenario(() => { const w = new World(1); const amf = new Amf('AMF', w.trace); w.initialRegistration(amf, guti(1, 1)); nas = amf.find(guti(1, 1)); });
  head = toN2Messages(tapped.messages);
  const w = new PcapWriter(path, LINKTYPE.ETHERNET);
  try {
    // the whole sequence goes through n2Frames once per batch, with the registration in front so the
    // NGAP ids stay those of the registration; only the batch's own frames are written
    const batch = 5000;
    for (let done = head.length, first = true; done < n; first = false) {
      const k = Math.min(batch, n - done);
      const dl: N2Message[] = Array.from({ length: k }, () => ({ dir: 'dl', amf: 'AMF', nas: nas!.nas.protectDownlink(2, CUC).message }));
      const frames = n2Frames([...head, ...dl]);
      for (const f of first ? frames : frames.slice(head.length)) w.write(f.timeUs, f.data);
      done += k;
    }
  } finally { w.close(); }
}

function child(path: string): void {
  let messages = 0, verified = 0;
  const t0 = process.hrtime.bigint();
  decipherCapture(path, { k: SUBSCRIBER.k, opc: SUBSCRIBER.opc }, { onReport: (r) => { messages++; if (r.mac === 'verified') verified++; } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log('DECIPHER-RESULT ' + JSON.stringify({ messages, verified, ms, maxRssKiB: process.resourceUsage().maxRSS }));
}

export function benchDecipher(argv: string[]): void {
  if (argv[0] === 'decipher-child') { child(argv[1]); return; }
  console.log('\nDecipher (ue-keys decipher engine: NGAP walk, 128-NIA2 MAC check, 128-NEA2 decipher per message)');
  const dir = mkdtempSync(join(tmpdir(), 'ue-keys-bench-'));
  try {
    for (const n of [10_000, 100_000]) {
      const f = join(dir, `c${n}.pcap`);
      makeCapture(f, n);
      const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), 'decipher-child', f], { encoding: 'utf8', maxBuffer: 1 << 24 });
      const line = r.stdout.split('\n').find((l) => l.startsWith('DECIPHER-RESULT '));
      if (!line) { console.log(`  ${n} messages: child failed ${r.stderr.split('\n')[0]}`); continue; }
      const x = JSON.parse(line.slice('DECIPHER-RESULT '.length));
      console.log(`  ${String(x.messages).padStart(7)} NAS messages (${(statSync(f).size / 1e6).toFixed(1)} MB capture): ${Math.round(x.messages / (x.ms / 1000)).toLocaleString('en')} messages/s, ${x.verified} MAC verified, peak RSS ${(x.maxRssKiB / 1024).toFixed(0)} MiB`);
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
}
