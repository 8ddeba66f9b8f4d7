import { randomUUID } from 'node:crypto';
import type { Publisher, Subscriber } from '@media-sync/queue';
import { afterEach, beforeEach, describe, it } from 'vitest';
import {
  closeQuietly,
  type PublisherConformanceCase,
  type PublisherConformanceContext,
  type PublisherConformanceTheme,
  publisherConformanceCases,
} from './cases.js';
import { suiteCodec } from './frames.js';
import { type Endpoint, type FaultControl, type FaultProxy, startFaultProxy } from './proxy.js';

export {
  AWKWARD_USER_IDS,
  type PublisherConformanceCase,
  type PublisherConformanceContext,
  type PublisherConformanceTheme,
  publisherConformanceCases,
} from './cases.js';
export {
  frameNear,
  outgoingFrame,
  type ReceivedFrame,
  Replica,
  sampleFrame,
  sampleOperation,
  suiteCodec,
} from './frames.js';
export { type Endpoint, type FaultControl, type FaultProxy, startFaultProxy } from './proxy.js';

/** Where and how a client of the case connects. */
export interface ClientContext {
  /** The broker's address, or the fault proxy's in front of it. Undefined for an in-process adapter. */
  readonly endpoint: Endpoint | undefined;
  /** Random per case: prefix every topic, stream and key with it. */
  readonly namespace: string;
  /** The client's own timeout for an ack or a connection. */
  readonly timeoutMs: number;
  /**
   * The case asked for a client through the fault injection. With `broker`, `endpoint` is then
   * the proxy's already; an adapter with its own `faults` per namespace picks its path by it.
   */
  readonly viaFaults: boolean;
}

export interface PublisherConformanceOptions {
  /** Shown in the describe block, e.g. `redis`. */
  readonly name: string;
  /**
   * The real broker. The suite puts a fault-injecting TCP proxy in front of it for the outage
   * and cut-connection cases. Leave it out for an in-process adapter.
   */
  readonly broker?: Endpoint;
  /** An in-process adapter's own fault injection, per namespace (instead of `broker`). */
  readonly faults?: (namespace: string) => FaultControl;
  readonly createPublisher: (context: ClientContext) => Publisher | Promise<Publisher>;
  /** The subscribing half for one device: its position is durable per (namespace, user, device). */
  readonly createSubscriber: (
    context: ClientContext & { readonly deviceId: string },
  ) => Subscriber | Promise<Subscriber>;
  /** A publisher the broker refuses (wrong password); the credentials case runs only with it. */
  readonly createRefusedPublisher?: (context: ClientContext) => Publisher | Promise<Publisher>;
  /** Removes what a case left on the broker (streams, keys). */
  readonly teardown?: (namespace: string) => void | Promise<void>;
  /** The clients' timeout, default 1 500 ms; each case allows a few of them. */
  readonly timeoutMs?: number;
  /** Skips every case with this reason (the broker is not running); say it loudly where it is decided. */
  readonly skip?: string | undefined;
}

/** Runs `cases` against fresh clients on a fresh namespace each. */
export function runPublisherConformanceCases(
  options: PublisherConformanceOptions,
  cases: readonly PublisherConformanceCase[],
  title: string,
): void {
  const timeoutMs = options.timeoutMs ?? 1_500;
  describe.skipIf(options.skip !== undefined)(title, () => {
    let proxy: FaultProxy | undefined;
    let opened: Array<Publisher | Subscriber> = [];
    let namespace = '';

    beforeEach(async () => {
      namespace = `t${randomUUID().replaceAll('-', '').slice(0, 12)}`;
      opened = [];
      proxy = options.broker === undefined ? undefined : await startFaultProxy(options.broker);
    });

    afterEach(async () => {
      await closeQuietly(opened, timeoutMs * 2);
      await proxy?.close();
      await options.teardown?.(namespace);
    });

    for (const testCase of cases) {
      it(
        testCase.name,
        async (test) => {
          const codec = await suiteCodec();
          const client = (viaFaults: boolean): ClientContext => ({
            endpoint: viaFaults ? proxy?.endpoint : options.broker,
            namespace,
            timeoutMs,
            viaFaults,
          });
          const track = <T extends Publisher | Subscriber>(made: T): T => {
            opened.push(made);
            return made;
          };
          const createRefused = options.createRefusedPublisher;
          const context: PublisherConformanceContext = {
            codec,
            namespace,
            timeoutMs,
            publisher: async (publisherOptions) =>
              track(await options.createPublisher(client(publisherOptions?.viaFaults ?? false))),
            subscriber: async (deviceId) => track(await options.createSubscriber({ ...client(false), deviceId })),
            faults: proxy ?? options.faults?.(namespace),
            refusedPublisher:
              createRefused === undefined ? undefined : async () => track(await createRefused(client(false))),
          };
          if (testCase.applies) {
            const probe = await context.publisher();
            if (!testCase.applies(probe, context)) {
              test.skip(`${options.name} lacks what this case needs: ${testCase.requires ?? 'see the case'}`);
              return;
            }
          }
          await testCase.run(context);
        },
        timeoutMs * 30,
      );
    }
  });
}

function describeTheme(theme: PublisherConformanceTheme, title: string) {
  return (options: PublisherConformanceOptions): void =>
    runPublisherConformanceCases(
      options,
      publisherConformanceCases.filter((testCase) => testCase.theme === theme),
      `${options.name}: ${title}`,
    );
}

/** Ack only after the broker accepted the frame; order per device. */
export const describeDeliveryConformance = describeTheme('delivery', 'delivery');
/** A re-published frame is applied once; dropped by the broker when the publisher declares dedupe. */
export const describeDedupeConformance = describeTheme('dedupe', 'dedupe');
/** Offline subscribers catch up from their own durable position. */
export const describeCatchUpConformance = describeTheme('catchUp', 'catch-up');
/** Topic names escape user ids: no user sees another's frames. */
export const describeIsolationConformance = describeTheme('isolation', 'isolation');
/** Frames near and over `maxFrameBytes`. */
export const describeLimitsConformance = describeTheme('limits', 'frame limits');
/** Broker down, back, and connections cut mid-publish (through the fault proxy). */
export const describeOutageConformance = describeTheme('outage', 'outages');
/** Refused credentials. */
export const describeAuthConformance = describeTheme('auth', 'credentials');

/** The whole suite (§8): every publisher adapter runs all of it. */
export function describePublisherConformance(options: PublisherConformanceOptions): void {
  describe(`publisher conformance: ${options.name}`, () => {
    describeDeliveryConformance(options);
    describeDedupeConformance(options);
    describeCatchUpConformance(options);
    describeIsolationConformance(options);
    describeLimitsConformance(options);
    describeOutageConformance(options);
    describeAuthConformance(options);
  });
}
export {
  type BrokerProbe,
  type FindBrokerOptions,
  findBroker,
  freePort,
  type SpawnBrokerOptions,
  spawnBroker,
} from './broker.js';
