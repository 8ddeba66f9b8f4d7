/**
 * A Web Locks registry shared by simulated tabs (Node has no `navigator.locks`): each tab gets a
 * `LockManager` view, and `crash(tab)` drops that tab's locks the way a browser does when a tab
 * dies, without running any of its code.
 */
export class FakeLockRegistry {
  private readonly held = new Map<string, { tab: string; release: () => void }>();

  tab(tab: string): LockManager {
    const registry = this.held;
    const manager = {
      async request(name: string, options: LockOptions, callback: (lock: Lock | null) => unknown): Promise<unknown> {
        if (registry.has(name)) {
          if (options.ifAvailable) return callback(null);
          throw new Error('FakeLockRegistry only supports ifAvailable requests');
        }
        let release = () => {};
        const dropped = new Promise<void>((resolve) => {
          release = resolve;
        });
        registry.set(name, { tab, release });
        try {
          return await Promise.race([callback({ name, mode: 'exclusive' } as Lock), dropped]);
        } finally {
          if (registry.get(name)?.tab === tab) registry.delete(name);
        }
      },
      async query(): Promise<LockManagerSnapshot> {
        return {
          held: [...registry].map(([name, { tab: clientId }]) => ({ name, mode: 'exclusive', clientId })),
          pending: [],
        };
      },
    };
    return manager as unknown as LockManager;
  }

  crash(tab: string): void {
    for (const [name, lock] of [...this.held]) {
      if (lock.tab === tab) {
        this.held.delete(name);
        lock.release();
      }
    }
  }

  heldNames(): string[] {
    return [...this.held.keys()].sort();
  }
}
