import { type BrokerProbe, findBroker } from '@media-sync/publisher-conformance';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The NATS server of the fan-out tests (NATS_URL, else 127.0.0.1:4222), or why it is missing. */
    nats: BrokerProbe;
  }
}

// Missing NATS: the fan-out tests skip loudly, or fail the run under CI.
export default async function setup(project: TestProject): Promise<void> {
  project.provide('nats', await findBroker({ name: 'NATS', envVar: 'NATS_URL', defaultPort: 4222 }));
}
