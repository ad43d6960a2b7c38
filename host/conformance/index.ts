/** The conformance test purposes, in the order of the digest (TS 38.523-1, TS 36.523-1, Gaps). */
import type { TestPurpose } from './types.js';
import { cases as c9111 } from './cases/38523-9.1.1.1.js';
import { cases as c9121 } from './cases/38523-9.1.2.1.js';
import { cases as c9131 } from './cases/38523-9.1.3.1.js';
import { cases as c9141 } from './cases/38523-9.1.4.1.js';
import { cases as c91511 } from './cases/38523-9.1.5.1.1.js';
import { cases as c91611 } from './cases/38523-9.1.6.1.1.js';
import { cases as c9171 } from './cases/38523-9.1.7.1.js';
import { cases as c91111 } from './cases/38523-9.1.11.1.js';

export const TEST_PURPOSES: readonly TestPurpose[] = [
  ...c9111, ...c9121, ...c9131, ...c9141, ...c91511, ...c91611, ...c9171, ...c91111,
];
export { runTp, exitCode } from './runner.js';
export type { TestPurpose, TpResult, Verdict, Scope } from './types.js';
