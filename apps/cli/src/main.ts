import { Command, CommanderError } from 'commander';
import { registerBenchCodec } from './commands/bench-codec.js';
import { registerCodecCommands } from './commands/codec.js';
import { registerQueueCommands } from './commands/queue.js';
import { registerGatewayCommands } from './commands/serve.js';
import { registerTraceCommands } from './commands/trace.js';

/**
 * The `media-sync` program. Each group of subcommands lives in `commands/` and registers
 * itself here; `run` turns any failure into one line on stderr and exit code 1.
 */
export function createProgram(): Command {
  const program = new Command('media-sync')
    .description('Offline-first sync of media user state: queue, codec, gateway and benchmarks.')
    .showHelpAfterError(false)
    .exitOverride();
  const codec = program.command('codec').description('encode, decode and inspect frames');
  const trace = program.command('trace').description('make and read operation traces');
  const bench = program.command('bench').description('benchmarks, printed side by side with the alternatives');
  for (const group of [codec, trace, bench]) group.exitOverride();
  registerCodecCommands(codec);
  registerTraceCommands(trace);
  registerBenchCodec(bench);
  registerGatewayCommands(program);
  registerQueueCommands(program);
  return program;
}

/** Runs the program; resolves with the process exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0; usage errors were already printed.
      return error.exitCode === 0 ? 0 : 1;
    }
    process.stderr.write(`media-sync: ${oneLine(error)}\n`);
    return 1;
  }
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, ' ');
}
