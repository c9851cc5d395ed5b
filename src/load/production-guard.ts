// The production guard, apart from the load configuration so that the option table that states the cap
// (src/cli/workload-option-table.ts, read by `load --help` and `k8s --help`) loads no more than this.
import { UsageError } from '../config/errors.ts';
import { isLoopback, type Target } from '../config/target-url.ts';

/** Non-mock targets are refused above this arrival rate unless --i-understand-this-hits-production. */
export const PRODUCTION_RATE_CAP = 20;

/**
 * The production guard of every command that generates load (load, k8s): a real target (not the mock,
 * not loopback) above PRODUCTION_RATE_CAP it/s needs --i-understand-this-hits-production.
 */
export function assertRateAllowed(target: Target, peakRate: number, allowProduction: boolean): void {
  if (target === 'mock' || isLoopback(target) || peakRate <= PRODUCTION_RATE_CAP || allowProduction) return;
  throw new UsageError(`refusing ${peakRate} it/s against ${target.host}: above ${PRODUCTION_RATE_CAP}/s a real target needs --i-understand-this-hits-production`);
}
