import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { generateTrace, ID_SHAPES, type IdShape } from '../trace-generator.js';

function integer(name: string): (value: string) => number {
  return (value) => {
    if (!/^-?\d+$/.test(value)) throw new Error(`${name} must be an integer, got ${JSON.stringify(value)}`);
    return Number(value);
  };
}

/** `trace generate`: a synthetic training trace in the §2 JSON Lines format. */
export function registerTraceCommands(trace: Command): void {
  trace
    .command('generate')
    .description('write a synthetic trace (JSON Lines, one op per line with deviceId), deterministic for a seed')
    .requiredOption('--seed <n>', 'PRNG seed', integer('--seed'))
    .requiredOption('--ops <n>', 'number of operations', integer('--ops'))
    .option('--id-shape <shape>', `user, content and command ids: ${ID_SHAPES.join(', ')}`, 'uuid')
    .option('--unicode', 'unicode device names and command payloads')
    .option('--devices <n>', 'number of devices, 1..8 (default: 2-4, by the seed)', integer('--devices'))
    .option('--out <file>', 'write to FILE instead of stdout')
    .exitOverride()
    .action(
      (options: { seed: number; ops: number; idShape: string; unicode?: boolean; devices?: number; out?: string }) => {
        const lines = generateTrace({
          seed: options.seed,
          ops: options.ops,
          idShape: options.idShape as IdShape,
          unicode: options.unicode === true,
          ...(options.devices === undefined ? {} : { devices: options.devices }),
        });
        const text = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
        if (options.out === undefined) process.stdout.write(text);
        else writeFileSync(options.out, text);
      },
    );
}
