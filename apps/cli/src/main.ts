import { readFileSync } from 'node:fs';
import { Command, CommanderError, type Option } from 'commander';
import { registerBenchCodec } from './commands/bench-codec.js';
import { registerBenchPublishersCommand } from './commands/bench-publishers.js';
import { registerCodecCommands } from './commands/codec.js';
import { registerDeadLetterCommands } from './commands/dead-letters.js';
import { registerQueueCommands } from './commands/queue.js';
import { registerGatewayCommands } from './commands/serve.js';
import { registerTraceCommands } from './commands/trace.js';
import { registerWebCommand } from './commands/web.js';
import { describeSystemError, EXIT, exitCodeOf } from './errors.js';

/** This package's version (src/ and dist/ both sit one level below package.json). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * The `media-sync` program. Each group of subcommands lives in `commands/` and registers
 * itself here; `run` turns any failure into one line on stderr and an exit code (errors.ts).
 */
export function createProgram(): Command {
  const program = new Command('media-sync')
    .description('Offline-first sync of media user state: queue, codec, gateway and benchmarks.')
    .version(VERSION, '-V, --version', 'print the version')
    .showHelpAfterError(false)
    // Commander puts its "(Did you mean --device?)" hint on a line of its own: one line it is.
    // Only errors, though: a group run without its subcommand (`media-sync codec`) prints its
    // help here too, which stays readable.
    .configureOutput({
      writeErr: (text) =>
        process.stderr.write(text.startsWith('error:') ? `${text.trimEnd().replace(/\s*\n\s*/g, ' ')}\n` : text),
    })
    .exitOverride();
  const codec = program.command('codec').description('encode, decode and inspect frames');
  const trace = program.command('trace').description('make and read operation traces');
  const bench = program.command('bench').description('benchmarks, printed side by side with the alternatives');
  for (const group of [codec, trace, bench]) group.exitOverride();
  registerCodecCommands(codec);
  registerTraceCommands(trace);
  registerBenchCodec(bench);
  registerBenchPublishersCommand(bench);
  registerGatewayCommands(program);
  registerQueueCommands(program);
  registerDeadLetterCommands(program);
  registerWebCommand(program);
  checkRequiredOptionsAfterTypos(program);
  return program;
}

/**
 * Commander checks required options before unknown ones, so `--devcie tv` was reported as a
 * missing `--device`. Required options are checked here instead, once the command line has
 * been parsed and an unknown flag (with its "did you mean") has had its say.
 */
function checkRequiredOptionsAfterTypos(program: Command): void {
  const required = new Map<Command, Option[]>();
  const visit = (command: Command) => {
    const options = command.options.filter((option) => option.mandatory);
    for (const option of options) option.mandatory = false;
    if (options.length > 0) required.set(command, options);
    for (const sub of command.commands) visit(sub);
  };
  visit(program);
  program.hook('preAction', (_, actionCommand) => {
    for (const option of required.get(actionCommand) ?? []) {
      if (actionCommand.getOptionValue(option.attributeName()) !== undefined) continue;
      const env = option.envVar === undefined ? '' : ` (or set ${option.envVar})`;
      actionCommand.error(`error: required option '${option.flags}' not specified${env}`, {
        exitCode: EXIT.USAGE,
        code: 'commander.missingMandatoryOptionValue',
      });
    }
  });
}

/** Runs the program; resolves with the process exit code (0 ok, 1 usage/input, 2 transient, 3 auth). */
export async function run(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync([...argv]);
    return EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0; usage errors were already printed.
      return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    process.stderr.write(`media-sync: ${oneLine(error)}\n`);
    return exitCodeOf(error);
  }
}

function oneLine(error: unknown): string {
  const text = describeSystemError(error) ?? (error instanceof Error ? error.message : String(error));
  return text.replace(/\s*\n\s*/g, ' ');
}
