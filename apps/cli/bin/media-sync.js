#!/usr/bin/env node
import { run } from '../dist/main.js';
import { installProcessHandlers } from '../dist/process.js';

installProcessHandlers();
process.exitCode = await run(process.argv);
