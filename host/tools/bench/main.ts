/**
 * `npm run bench [kdf|nas|usim|ue]`: measurements, not tests. Prints each group side by side with ratios, and the
 * module sizes. The VM is noisy (±30 % between runs): compare ratios within one run.
 */
import { readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { wasmPath } from '../../firmware/loader.js';
import { benchKdf } from './kdf.js';
import { benchNas } from './nas.js';
import { benchUsim } from './usim.js';
import { benchUe } from './ue.js';

function sizes(): void {
  console.log('\nModule sizes');
  for (const [name, goal] of [['ue', 20 * 1024], ['usim', 8 * 1024], ['ue-fast', 0], ['usim-fast', 0]] as const) {
    try {
      const s = statSync(wasmPath(name)).size;
      console.log(`  build/${name}.wasm  ${s} bytes (${(s / 1024).toFixed(2)} KiB; ${goal ? `goal ≤ ${goal / 1024} KiB` : 'fast build: no size budget'})`);
    } catch { console.log(`  build/${name}.wasm  not built`); }
  }
}

/** Whether the CPU advertises AES-NI (node:crypto's AES then runs on it; the firmware never does). */
function aesNi(): string {
  try { return /^flags\s*:.*\baes\b/m.test(readFileSync('/proc/cpuinfo', 'utf8')) ? 'AES-NI: yes (node:crypto AES uses it)' : 'AES-NI: no'; } catch { return 'AES-NI: unknown'; }
}
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`ue-keys bench — node ${process.version}, ${new Date().toISOString()}, ${aesNi()}, load average ${load()}`);
console.log('one run; each row the median of its rounds; ratios are baseline time ÷ row time (above 1: faster than the baseline)');
const only = process.argv[2];
if (!only || only === 'kdf') benchKdf();
if (!only || only === 'nas') benchNas();
if (!only || only === 'usim') benchUsim();
if (!only || only === 'ue') benchUe();
if (!only || only.startsWith('decipher')) { (await import('./decipher.js')).benchDecipher(process.argv.slice(2)); if (only === 'decipher-child') process.exit(0); }
sizes();
console.log(`\nload average at the end: ${load()}`);
