/**
 * The generator's own health, measured per interval (issue 10): event-loop delay
 * (perf_hooks.monitorEventLoopDelay), the process's CPU share, and the open model's
 * lag between intended and actual send. When the generator falls behind, the
 * latencies it records include its own delay; this says when that happened, so the
 * user does not read it as the target's.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { GeneratorHealth } from '../metrics/types.js';
import type { GeneratorLimits } from '../plan/types.js';

/**
 * Sampling period of the event-loop monitor, ms. Its histogram holds the time between
 * two ticks of a libuv timer with this period, so the delay is that minus the period.
 * 2 ms gives ~500 samples per 1 s interval (a p99 that is not just the max) at a
 * cost of a native timer tick, no JavaScript.
 */
const RESOLUTION_MS = 2;

/** Measures the generator's health interval by interval. */
export class GeneratorMonitor {
  private readonly loop: IntervalHistogram;
  private cpu = process.cpuUsage();
  private wallNs = process.hrtime.bigint();
  private closed = false;

  constructor(private readonly limits: GeneratorLimits) {
    this.loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.loop.enable();
  }

  /** Restarts the measured span (e.g. at the start instant, after the warm-up). */
  reset(): void {
    this.loop.reset();
    this.cpu = process.cpuUsage();
    this.wallNs = process.hrtime.bigint();
  }

  /** Health of the span since the last sample (or reset), then starts a new span. */
  sample(lagP99Us: number): GeneratorHealth {
    const nowNs = process.hrtime.bigint();
    const wallUs = Number(nowNs - this.wallNs) / 1000;
    const cpu = process.cpuUsage(this.cpu);
    const toDelayUs = (ns: number) => Math.max(0, Math.round(ns / 1000 - RESOLUTION_MS * 1000));
    const hasSamples = this.loop.count > 0;
    const eventLoopP99Us = hasSamples ? toDelayUs(this.loop.percentile(99)) : 0;
    const eventLoopMaxUs = hasSamples ? toDelayUs(this.loop.max) : 0;
    const cpuPct = wallUs > 0 ? ((cpu.user + cpu.system) / wallUs) * 100 : 0;
    this.reset();
    return {
      eventLoopP99Us,
      eventLoopMaxUs,
      cpuPct: Math.round(cpuPct * 10) / 10,
      lagP99Us,
      saturated: isSaturated(this.limits, lagP99Us, eventLoopP99Us),
    };
  }

  /** Stops the monitor. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.loop.disable();
  }
}

/** Whether one interval's figures pass the plan's saturation limits. */
export function isSaturated(limits: GeneratorLimits, lagP99Us: number, eventLoopP99Us: number): boolean {
  return lagP99Us > limits.maxLagP99Ms * 1000 || eventLoopP99Us > limits.maxEventLoopP99Ms * 1000;
}
