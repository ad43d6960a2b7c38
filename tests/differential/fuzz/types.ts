// The campaign contract of `npm run fuzz` (tests/differential/fuzz/main.ts) and of the seeded slice in npm test
// (tests/differential/fuzz.test.ts). A campaign is seeded, runs `runs` generated cases and reports figures.

export interface CampaignOptions {
  seed: number;
  runs: number;
  /** Called now and then with the number of cases done so far (for the progress bar). */
  onProgress?: (done: number, total: number) => void;
}

export interface CampaignResult {
  cases: number;
  /** Cases whose answer met the contract. */
  clean: number;
  /** Cases that broke it (cases − clean). */
  defects: number;
  /** One line per defect (at most a few dozen kept), naming the input shape, never key bytes. */
  details: string[];
}

export interface Campaign {
  name: string;
  /** One line: what is driven and what is asserted. */
  what: string;
  /** Cases run by `npm run fuzz` without --runs. */
  defaultRuns: number;
  /** Cases run by the seeded slice in npm test. */
  sliceRuns: number;
  run(o: CampaignOptions): Promise<CampaignResult>;
}

/** Collects case outcomes into a CampaignResult. */
export class Tally {
  cases = 0; clean = 0; details: string[] = [];
  ok(): void { this.cases++; this.clean++; }
  bad(detail: string): void { this.cases++; if (this.details.length < 40) this.details.push(detail); }
  check(cond: boolean, detail: () => string): boolean { if (cond) this.ok(); else this.bad(detail()); return cond; }
  result(): CampaignResult { return { cases: this.cases, clean: this.clean, defects: this.cases - this.clean, details: this.details }; }
}
