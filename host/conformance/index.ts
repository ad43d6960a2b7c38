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
import { cases as c9311 } from './cases/38523-9.3.1.1.js';
import { cases as c1113 } from './cases/38523-11.1.3.js';
import { cases as c1113a } from './cases/38523-11.1.3a.js';
import { cases as c1114 } from './cases/38523-11.1.4.js';
import { cases as c1117 } from './cases/38523-11.1.7.js';
import { cases as c1121 } from './cases/38523-11.2.1.js';
import { cases as c1141 } from './cases/38523-11.4.1.js';
import { cases as c6311 } from './cases/38523-6.3.1.1.js';
import { cases as c81211 } from './cases/38523-8.1.2.1.1.js';
import { cases as c81412 } from './cases/38523-8.1.4.1.2.js';
import { cases as e9123 } from './cases/36523-9.1.2.3.js';
import { cases as e2251 } from './cases/36523-22.5.1.js';
import { cases as e2252 } from './cases/36523-22.5.2.js';
import { cases as e2257a } from './cases/36523-22.5.7a.js';
import { cases as e22510 } from './cases/36523-22.5.10.js';
import { cases as e22511 } from './cases/36523-22.5.11.js';
import { cases as e22512 } from './cases/36523-22.5.12.js';
import { cases as gaps } from './cases/gaps.js';

export const TEST_PURPOSES: readonly TestPurpose[] = [
  ...c9111, ...c9121, ...c9131, ...c9141, ...c91511, ...c91611, ...c9171, ...c91111, ...c9311, ...c1113, ...c1113a, ...c1114, ...c1117, ...c1121, ...c1141, ...c6311, ...c81211, ...c81412,
  ...e9123, ...e2251, ...e2252, ...e2257a, ...e22510, ...e22511, ...e22512,
  ...gaps,
];
export { runTp, exitCode } from './runner.js';
export type { TestPurpose, TpResult, Verdict, Scope } from './types.js';
