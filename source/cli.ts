#!/usr/bin/env node
// The bin launcher: as little as possible before the first output.
import * as nodeModule from 'node:module';
import {processIO} from './commands/io.js';
import {main} from './main.js';

// Node 22.1+ can cache compiled code between runs: a faster start for every later run. Node 20 lacks it.
(nodeModule as {enableCompileCache?: () => unknown}).enableCompileCache?.();

const code = await main(process.argv.slice(2), processIO());
process.exitCode = code;
