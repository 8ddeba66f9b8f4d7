import { type BrokerProbe, findBroker } from '@media-sync/publisher-conformance';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    redis: BrokerProbe;
  }
}

// Finds Redis once per run: REDIS_URL, else 127.0.0.1:6379. Missing: a loud skip, or a failure under CI.
export default async function setup(project: TestProject): Promise<void> {
  project.provide('redis', await findBroker({ name: 'Redis', envVar: 'REDIS_URL', defaultPort: 6379 }));
}
