/**
 * `npm run bench [kdf|nas|usim|ue]`: measurements, not tests. Prints each group side by side with ratios, and the
 * module sizes. The VM is noisy (±30 % between runs): compare ratios within one run.
 */
import { statSync } from 'node:fs';
import { wasmPath } from '../../firmware/loader.js';
import { benchKdf } from './kdf.js';
import { benchNas } from './nas.js';
import { benchUsim } from './usim.js';
import { benchUe } from './ue.js';

function sizes(): void {
  console.log('\nModule sizes');
  for (const [name, goal] of [['ue', 20 * 1024], ['usim', 8 * 1024]] as const) {
    try {
      const s = statSync(wasmPath(name)).size;
      console.log(`  build/${name}.wasm  ${s} bytes (${(s / 1024).toFixed(2)} KiB; goal ≤ ${goal / 1024} KiB)`);
    } catch { console.log(`  build/${name}.wasm  not built`); }
  }
}

console.log(`ue-keys bench — node ${process.version}, ${new Date().toISOString()}`);
const only = process.argv[2];
if (!only || only === 'kdf') benchKdf();
if (!only || only === 'nas') benchNas();
if (!only || only === 'usim') benchUsim();
if (!only || only === 'ue') benchUe();
if (!only || only.startsWith('decipher')) { (await import('./decipher.js')).benchDecipher(process.argv.slice(2)); if (only === 'decipher-child') process.exit(0); }
sizes();
