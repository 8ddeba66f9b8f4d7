// Writes the (uncompressed) Batch body of every frame in DIR to OUT/<name>.body: the samples
// that `zstd --train` learns the dictionary from.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { media_sync } from '@media-sync/protocol';

const [dir, out] = process.argv.slice(2);
if (dir === undefined || out === undefined) throw new Error('usage: frame-bodies.mts DIR OUT');
mkdirSync(out, { recursive: true });
for (const name of readdirSync(dir)) {
  const frame = media_sync.v1.Frame.decode(readFileSync(join(dir, name)));
  if (frame.flags & 1) throw new Error(`${name} is compressed; encode with --no-compress`);
  writeFileSync(join(out, `${name}.body`), frame.body);
}
