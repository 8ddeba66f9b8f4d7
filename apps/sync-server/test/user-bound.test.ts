import { describe, expect, it } from 'vitest';
import { codec, gateway, OTHER_USER, progressOps, rawClient, token, USER } from './helpers.js';

/** A user-bound frame of `userId`'s ops: its user is named by the link's token, not by the frame. */
async function userBound(deviceId: string, firstSeq: number, count: number, userId = USER) {
  return (await codec()).encodeFrame(deviceId, progressOps(deviceId, firstSeq, count, userId), {
    userId,
    bindUser: true,
  }).bytes;
}

describe('user-bound frames: the token names the user', () => {
  it("are merged as the token's user's ops; sent on another user's link they fail their checksum", async () => {
    const { server } = await gateway();
    const mine = rawClient(server.url, await token('tv'));
    await mine.receivedCount(1); // hello
    mine.send({ type: 'frame', frameId: 1, frame: await userBound('tv', 1, 3) });
    await mine.receivedCount(2);
    expect(mine.received[1]).toMatchObject({ type: 'ack', frameId: 1, duplicate: false, rejected: [] });
    expect(await server.headOf(USER)).toBe(3);

    // The same device id under another user: Alice's frame replayed there names no user, and
    // its checksum covers hers, so it is refused before any op is read.
    const replayed = rawClient(server.url, await token('tv', OTHER_USER));
    await replayed.receivedCount(1);
    replayed.send({ type: 'frame', frameId: 1, frame: await userBound('tv', 4, 1) });
    await replayed.receivedCount(2);
    expect(replayed.received[1]).toMatchObject({ type: 'error', frameId: 1, code: 'CRC_MISMATCH' });
    expect(await server.headOf(OTHER_USER)).toBe(0);
    expect(await server.headOf(USER)).toBe(3);
  });
});
