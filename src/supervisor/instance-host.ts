// What the instances of one app share: the supervisor's services and the app they belong to
// (AppProcess is the host; an Instance calls back into it when its run exits or hangs).
import type { AppConfig } from '../config/schema/index.js';
import type { BulwarkEvent } from '../events/types.js';
import type { CgroupTree } from './cgroup.js';
import type { HeldSockets } from './held-sockets.js';
import type { Instance } from './instance.js';
import type { GroupRegistry } from './orphans.js';
import type { ResourceSampler } from './resource-sampler.js';
import type { CaptureFiles } from './output-capture.js';
import type { Run } from './run.js';
import type { ExitRecord } from './run-context.js';
import type { StallWatch } from './stall-watch.js';

export interface InstanceHost {
  readonly config: AppConfig;
  readonly registry: GroupRegistry;
  readonly sampler: ResourceSampler;
  readonly stall: StallWatch;
  readonly cgroups: CgroupTree | null;
  /** The app's ports, held by the daemon across all its instances and runs. */
  readonly sockets: HeldSockets;
  /** How many instances the app runs now. */
  instanceCount(): number;
  /** NODE_UNIQUE_ID for the next cluster worker (unique per daemon, as Node's primary counts). */
  nextWorkerId(): number;
  captureFiles(index: number): CaptureFiles | string;
  emit(e: BulwarkEvent): void;
  /** The current run's leader exited on its own. */
  runExited(inst: Instance, run: Run, exit: ExitRecord): void;
  /** The current run is hung or over a limit. */
  runHung(inst: Instance, run: Run, kind: 'hang' | 'cpu' | 'memory', probe: string, reason: string): void;
}
