// The hostile clients of `media-sync bench gateway`, in their own process so their busy loops
// do not slow the measuring one: `node bench-attackers.js <url> <secret> <clients>`. Splits the
// clients over every attack of SPEC §12, prints `started`, and stops on SIGTERM.

import { createToken } from '@media-sync/sync-server';
import { ATTACKS, startAttack } from '@media-sync/sync-server/hostile-clients';

const [url, secret, clients] = process.argv.slice(2);
if (!url || !secret || !clients) throw new Error('usage: bench-attackers.js <url> <secret> <clients>');
const total = Number(clients);
const attacks = await Promise.all(
  ATTACKS.map((name, i) =>
    startAttack(name, {
      url,
      token: (userId, deviceId, ttlMs) => createToken({ secret, userId, deviceId, ttlMs }),
      clients: Math.floor(total / ATTACKS.length) + (i < total % ATTACKS.length ? 1 : 0),
      userPrefix: `bench-${name}`,
    }),
  ),
);
process.stdout.write('started\n');
process.on('SIGTERM', () => {
  void Promise.all(attacks.map((attack) => attack.stop())).then(() => process.exit(0));
});
