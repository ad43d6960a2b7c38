/** `ue-keys conformance`: the UE-conformance test purposes run by the system simulator (host/conformance). */
import { readFileSync, writeFileSync } from 'node:fs';
import { TEST_PURPOSES, exitCode } from '../conformance/index.js';
import { jsonLine, runAll, textLine, updateReadme, README_MARKERS } from '../conformance/report.js';
import { applySpecs, split, unexpected, UsageError, type FlagSpec } from './args.js';
import type { Command } from './registry.js';

const FLAGS: FlagSpec[] = [{ name: 'filter', kind: 'text' }, { name: 'json', kind: 'bool' }, { name: 'update-readme', kind: 'text' }];

export const conformanceCommand: Command = {
  name: 'conformance',
  summary: 'run the UE-conformance test purposes (TS 38.523-1 / 36.523-1) and Gaps G1–G14 against the UE model; exit 1 if an in-scope one fails',
  usage: 'ue-keys conformance [--filter PREFIX] [--json] [--update-readme README.md]',
  run(argv) {
    const p = split(argv, new Set(['json']));
    if (p.positionals.length) throw unexpected('conformance', p.positionals[0]);
    const a = applySpecs(FLAGS, p.flags, 'conformance');
    if (a['update-readme'] !== undefined) {
      if (a.filter !== undefined || a.json) throw new UsageError('--update-readme', 'is used alone (the README table lists every test purpose)');
      const text = readFileSync(a['update-readme'], 'utf8');
      if (!text.includes(README_MARKERS[0]) || !text.includes(README_MARKERS[1])) throw new UsageError('--update-readme', `file has no ${README_MARKERS[0]} … ${README_MARKERS[1]} section`);
      writeFileSync(a['update-readme'], updateReadme(text, runAll(TEST_PURPOSES)));
      return 0;
    }
    const filter: string = a.filter ?? '';
    const strip = (s: string) => s.replace(/^TS /, '');
    const tps = TEST_PURPOSES.filter((tp) => tp.id.startsWith(strip(filter)) || tp.id.startsWith(filter));
    if (tps.length === 0) throw new UsageError('--filter', 'matches no test purpose id (ids look like "38.523-1 9.1.2.1 TP1" or "TS 24.501 4.4.4.3 (G8)")');
    const runs = runAll(tps);
    for (const r of runs) console.log(a.json ? jsonLine(r) : textLine(r));
    return exitCode(runs);
  },
};
