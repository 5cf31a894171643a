// The limits rules: memory over max for `for` samples in a row; CPU above max without a break
// for `for` ms (a busy loop). Memory is judged on the samples the limits scheduled (every
// sampleEvery), so `status` asking more often does not shorten `for`; CPU on every sample, since
// its rule is a duration. A breach means kill + restart.
import { formatBytes, formatDuration } from '../common/units.js';
import type { AppConfig } from '../config/schema/index.js';
import type { ResourceSample } from './resource-sampler.js';

export interface LimitBreach {
  kind: 'cpu' | 'memory';
  reason: string;
}

export class ResourceLimits {
  private memoryOver = 0;
  private cpuOverSince: number | null = null;

  constructor(private readonly limits: AppConfig['limits']) {}

  static needed(limits: AppConfig['limits']): boolean {
    return limits.memory !== undefined || limits.cpu !== undefined;
  }

  judge(s: ResourceSample): LimitBreach | null {
    const { memory, cpu } = this.limits;
    if (memory !== undefined && s.scheduled) {
      this.memoryOver = s.memoryBytes > memory.max ? this.memoryOver + 1 : 0;
      if (this.memoryOver >= memory.for) {
        return { kind: 'memory', reason: `memory ${formatBytes(s.memoryBytes)} over ${formatBytes(memory.max)} for ${this.memoryOver} samples` };
      }
    }
    if (cpu !== undefined) {
      if (s.cpu !== null && s.cpu > cpu.max) {
        this.cpuOverSince ??= s.since;
        if (s.at - this.cpuOverSince >= cpu.for) {
          return { kind: 'cpu', reason: `cpu ${s.cpu.toFixed(0)}% over ${cpu.max}% for ${formatDuration(s.at - this.cpuOverSince)} (busy loop?)` };
        }
      } else {
        this.cpuOverSince = null;
      }
    }
    return null;
  }
}
