import { SyncServerError } from './errors.js';
import type { GatewayLimits } from './limits.js';
import type { LimitCounters } from './session.js';
import type { GatewayStore } from './store.js';

/** Devices whose budgets stay in memory; a device dropped from here is read from the store again. */
const MAX_TRACKED_DEVICES = 10_000;

interface DeviceBudget {
  /** Ops the device may still send now (token bucket of `opsPerSecond`, `opsBurst`). */
  ops: number;
  refilledAt: number;
  /** Bytes of log and commands the device has stored. */
  storedBytes: number;
}

/**
 * Per-device quotas: ops per second (a token bucket) and stored bytes. A frame over either is
 * refused whole with `RATE_LIMITED` or `QUOTA_EXCEEDED` before it is decoded, so nothing of it is
 * stored and it can be sent again later. The stored-bytes check is made before a frame and the
 * frame's bytes added after it, so a device ends at most one frame over its quota.
 */
export class DeviceBudgets {
  readonly #store: GatewayStore;
  readonly #limits: GatewayLimits;
  readonly #counters: LimitCounters;
  readonly #devices = new Map<string, DeviceBudget>();

  constructor(store: GatewayStore, limits: GatewayLimits, counters: LimitCounters) {
    this.#store = store;
    this.#limits = limits;
    this.#counters = counters;
  }

  /** Throws SyncServerError RATE_LIMITED or QUOTA_EXCEEDED when the device may not send `opCount` ops now. */
  async admit(userId: string, deviceId: string, opCount: number): Promise<void> {
    const budget = await this.#budget(userId, deviceId);
    const now = performance.now();
    const { opsPerSecond, opsBurst, maxStoredBytesPerDevice } = this.#limits;
    if (budget.storedBytes >= maxStoredBytesPerDevice) {
      this.#counters.framesOverQuota += 1;
      throw new SyncServerError(
        'QUOTA_EXCEEDED',
        `device ${deviceId} has ${budget.storedBytes} bytes stored, its quota is ${maxStoredBytesPerDevice}`,
      );
    }
    budget.ops = Math.min(opsBurst, budget.ops + ((now - budget.refilledAt) * opsPerSecond) / 1000);
    budget.refilledAt = now;
    if (opCount > budget.ops) {
      this.#counters.framesRateLimited += 1;
      const waitMs = Math.ceil(((opCount - budget.ops) * 1000) / opsPerSecond);
      throw new SyncServerError(
        'RATE_LIMITED',
        `device ${deviceId} may send ${opsPerSecond} ops a second; send these ${opCount} again in ${waitMs} ms`,
      );
    }
    budget.ops -= opCount;
  }

  /** The device stored `bytes` more. */
  stored(userId: string, deviceId: string, bytes: number): void {
    const budget = this.#devices.get(key(userId, deviceId));
    if (budget !== undefined) budget.storedBytes += bytes;
  }

  async #budget(userId: string, deviceId: string): Promise<DeviceBudget> {
    const id = key(userId, deviceId);
    let budget = this.#devices.get(id);
    if (budget === undefined) {
      const storedBytes = await this.#store.storedBytes(userId, deviceId);
      // Another frame of the device may have loaded it meanwhile: one budget per device.
      budget = this.#devices.get(id) ?? { ops: this.#limits.opsBurst, refilledAt: performance.now(), storedBytes };
      if (this.#devices.size >= MAX_TRACKED_DEVICES) {
        const oldest = this.#devices.keys().next().value;
        if (oldest !== undefined) this.#devices.delete(oldest);
      }
    } else {
      this.#devices.delete(id);
    }
    // Re-inserted: the Map's order is least recently used first.
    this.#devices.set(id, budget);
    return budget;
  }
}

function key(userId: string, deviceId: string): string {
  return `${userId}\0${deviceId}`;
}
