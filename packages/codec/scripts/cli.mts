// Runs the media-sync CLI from source (no build needed): tsx --conditions=@media-sync/source cli.mts ARGS
import { run } from '../../../apps/cli/src/main.js';

process.exitCode = await run(['node', 'media-sync', ...process.argv.slice(2)]);
