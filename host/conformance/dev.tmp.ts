import { TEST_PURPOSES, runTp } from './index.js';
const f = process.argv[2] ?? '';
for (const tp of TEST_PURPOSES) if (tp.id.startsWith(f)) { const r = runTp(tp); console.log(tp.id.padEnd(34), r.verdict.padEnd(5), r.detail); }
