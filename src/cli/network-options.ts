// Applies the network options every command that talks to a target shares (network-option-table.ts).
import { configureNetwork, type Network } from '../client/dispatcher.ts';
import type { Env } from '../config/precedence.ts';
import { optionValue } from './args.ts';
import { NETWORK_OPTIONS } from './network-option-table.ts';

/** Flag > environment; configures the process's network before the command's first request. */
export function applyNetworkFlags(values: { 'ca-file'?: unknown }, env: Env = process.env, direct: string[] = []): Network {
  const caFile = optionValue(NETWORK_OPTIONS, values, 'ca-file', env);
  return configureNetwork({ caFile, direct, env: env as NodeJS.ProcessEnv });
}
