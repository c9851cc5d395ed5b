// What every endpoint handler gets: state, storage, clock, faults and the token codec.
import type { Clock } from '../clock.ts';
import type { ActiveFaults, FaultName } from '../faults.ts';
import type { Storage } from '../storage/types.ts';
import type { HandleCodec } from './handle-codec.ts';
import type { MockKey } from './keys.ts';
import type { MockState } from './state.ts';
import type { ProfileChoices } from '../profile.ts';

export interface ApiContext {
  state: MockState;
  storage: Storage;
  clock: Clock;
  codec: HandleCodec;
  uploadTtlMs: number;
  faults: () => ActiveFaults;
  keys: ReadonlyMap<string, MockKey>;
  /** Open choices adopted from a target (src/mock/profile.ts); empty = the mock's defaults. */
  profile: ProfileChoices;
}

export const hasFault = (ctx: ApiContext, name: FaultName): boolean => ctx.faults().has(name);
