// The page a user writes: enqueue into IndexedDB, sync over WebSocket. Bundled with no
// configuration by esbuild, Vite and webpack 5 from the packed tarballs; the test then runs it
// in Chromium and compares its frames with Node's.
import { createCodec } from '@media-sync/codec';
import { createZstdCodecEngine } from '@media-sync/codec/zstd-codec-engine';
import { createWebSocketPublisher } from '@media-sync/publisher-websocket';
import { createQueue } from '@media-sync/queue';
import { createIndexedDbStorage } from '@media-sync/storage-indexeddb';

async function enqueue(gatewayUrl, token, deviceId) {
  const storage = await createIndexedDbStorage({ name: 'bundle-check' });
  const publisher = createWebSocketPublisher({ url: gatewayUrl, token });
  const queue = createQueue({ deviceId, userId: 'user-1', storage, publisher });
  await queue.enqueue({ type: 'watchlistAdd', userId: 'user-1', contentId: 'tt0111161', timestamp: Date.now() });
  const queued = await storage.counts();
  const { stoppedBy, published } = await queue.replay();
  const counts = { queued: queued.pending, ...(await storage.counts()), stoppedBy, published };
  await queue.close();
  await publisher.close();
  await storage.close();
  return counts;
}

let codec;
let explicitCodec;
globalThis.bundleCheck = {
  enqueue,
  // The explicit engine entry: in a browser bundle it must be zstd's WebAssembly too.
  async encodeWithExplicitEngine(deviceId, opsJson, options) {
    explicitCodec ??= await createCodec({ engine: await createZstdCodecEngine() });
    return Array.from(explicitCodec.encodeFrame(deviceId, JSON.parse(opsJson), options).bytes);
  },
  async encode(deviceId, opsJson, options) {
    codec ??= await createCodec();
    return Array.from(codec.encodeFrame(deviceId, JSON.parse(opsJson), options).bytes);
  },
  async decode(bytes) {
    codec ??= await createCodec();
    return codec.decodeFrame(Uint8Array.from(bytes)).ops;
  },
};
document.title = 'bundle-check ready';
