// What a run and its instance exchange: what the run needs from the instance and the supervisor
// (RunContext), what it tells the instance (RunEvents), and how its leader exited (ExitRecord).
import type { AppConfig } from '../config/schema/index.js';
import type { CgroupScope } from './cgroup.js';
import type { PortSharing } from './cluster-mode.js';
import type { ExitCause } from './exit-report.js';
import type { ProbeName } from './health/probe.js';
import type { HeldSockets, NativeHandle } from './held-sockets.js';
import type { GroupRegistry } from './orphans.js';
import type { CaptureFiles } from './output-capture.js';
import type { ResourceSample, ResourceSampler } from './resource-sampler.js';
import type { SpawnCommand } from './spawn-command.js';
import type { StallWatch } from './stall-watch.js';

export interface ExitRecord {
  code: number | null;
  signal: string | null;
  at: string;
  /** What ended the run (set on the instance's lastExit). */
  cause?: ExitCause;
  /** How long the run lasted. */
  uptimeMs?: number;
}

/** What a run tells its instance. Nothing is reported once the run was aborted. */
export interface RunEvents {
  /** The leader exited while nobody was stopping the run. */
  exited(exit: ExitRecord): void;
  healthOk(): void;
  healthFailing(probe: ProbeName, reason: string, consecutive: number): void;
  /** A probe says the app is hung, or a limit is breached: the run must be killed. */
  hung(kind: 'hang' | 'cpu' | 'memory', probe: string, reason: string): void;
  sample(s: ResourceSample): void;
  problem(message: string): void;
}

/** What a run needs from its instance and the supervisor. */
export interface RunContext {
  /** `<app>@<index>` (plus a generation during reloads): the key of its orphan record and sampler slot. */
  key: string;
  /** The instance's number (0-based): its capture files and NODE_APP_INSTANCE. */
  index: number;
  cfg: AppConfig;
  /** What to exec (spawnCommandFor(cfg), resolved by the instance: its errors are the config's). */
  cmd: SpawnCommand;
  registry: GroupRegistry;
  sampler: ResourceSampler;
  stall: StallWatch;
  /** The instance's cgroup, or null where none can be made (then the process group is the scope). */
  cgroup: CgroupScope | null;
  /** The instance's capture files (opened on first use), or why they cannot be opened. */
  captureFiles(): CaptureFiles | string;
  /** How the instances share the app's ports, and the sockets the daemon holds for it. */
  sharing: PortSharing;
  sockets: HeldSockets;
  /** The `listen:` sockets (sharing `listen-fds`), already listening. */
  listening?: readonly NativeHandle[];
  /** NODE_UNIQUE_ID of a cluster worker. */
  workerId?: number;
}
