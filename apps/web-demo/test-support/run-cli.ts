// Runs the `media-sync` command from its sources (as the other tests import packages), so the
// suite needs no build of the CLI: `node --conditions=@media-sync/source --import tsx run-cli.ts web …`.
import { run } from '@media-sync/cli';

process.exitCode = await run(process.argv);
