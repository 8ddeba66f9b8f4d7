import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  describePublisherConformance,
  type PublisherConformanceContext,
  publisherConformanceCases,
  suiteCodec,
} from '../src/index.js';
import {
  brokerFor,
  createFixturePublisher,
  createFixtureSubscriber,
  type FixtureBug,
  forgetBroker,
} from './fixture.js';

const timeoutMs = 200;

// The suite passes on a correct adapter...
describePublisherConformance({
  name: 'fixture',
  faults: (namespace) => brokerFor(namespace),
  createPublisher: ({ namespace }) => createFixturePublisher(namespace, { timeoutMs }),
  createSubscriber: ({ namespace, deviceId }) => createFixtureSubscriber(namespace, deviceId),
  createRefusedPublisher: ({ namespace }) => createFixturePublisher(namespace, { timeoutMs, refused: true }),
  teardown: forgetBroker,
  timeoutMs,
});

// ...and each case fails on an adapter with the bug it is there to catch.
const mutants: Array<{ bug: FixtureBug; caseName: string }> = [
  { bug: 'acksWithoutStoring', caseName: 'acks a frame a subscriber connecting afterwards' },
  { bug: 'reordersFrames', caseName: 'delivers each device’s frames in seq order' },
  { bug: 'declaresDedupeWithoutIt', caseName: 'a re-published frame is applied once' },
  { bug: 'topicsByFirstLetter', caseName: 'one user’s subscriber never sees another user’s frames' },
  { bug: 'ignoresMaxFrameBytes', caseName: 'refuses a frame over maxFrameBytes' },
  { bug: 'hangsWhenDown', caseName: 'broker unreachable from the start' },
  { bug: 'plainErrorWhenDown', caseName: 'broker going away under a connected publisher' },
  { bug: 'subscribersRestartFromTheStart', caseName: 'a subscriber that was offline catches up' },
  { bug: 'acceptsAnyCredentials', caseName: 'refused credentials' },
  { bug: 'acksWhenCut', caseName: 'connection cut mid-publish before the broker had the frame' },
];

describe('publisher conformance catches broken publishers', () => {
  for (const { bug, caseName } of mutants) {
    it(`${bug} fails “${caseName}”`, async () => {
      const testCase = publisherConformanceCases.find((candidate) => candidate.name.startsWith(caseName));
      if (!testCase) throw new Error(`no conformance case named ${caseName}`);
      const namespace = randomUUID();
      const context: PublisherConformanceContext = {
        codec: await suiteCodec(),
        namespace,
        timeoutMs,
        publisher: async () => createFixturePublisher(namespace, { timeoutMs, bugs: [bug] }),
        subscriber: async (deviceId) => createFixtureSubscriber(namespace, deviceId, { bugs: [bug] }),
        faults: brokerFor(namespace),
        refusedPublisher: async () => createFixturePublisher(namespace, { timeoutMs, refused: true, bugs: [bug] }),
      };
      try {
        await expect(testCase.run(context)).rejects.toThrow();
      } finally {
        forgetBroker(namespace);
      }
    });
  }
});
