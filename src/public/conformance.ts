// Public entry `upload-harness/conformance`: run the conformance suites programmatically (the same run
// as `upload-harness conform`) and get the results model; the check catalogue they report against.
// Only the names listed here are public (docs/api.md); test/public-api.test.ts pins the list.
export { runConformance, ConformanceSession, type RunOptions } from '../conformance/runner.ts';
export { startMockTarget, type MockTarget } from '../conformance/mock-target.ts';
export { loadDeviations, type Deviations } from '../conformance/deviations.ts';
export { CHECKS, GROUPS, LEVELS, type CheckDefinition, type CheckGroup, type CheckLevel } from '../conformance/catalogue.ts';
export { CONFORMANCE_RESULTS_VERSION, type RunResults, type CheckResult, type CheckStatus, type RunSummary, type Counts } from '../results/index.ts';
export type { TargetConfig } from '../conformance/target.ts';
