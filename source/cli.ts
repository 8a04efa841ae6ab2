#!/usr/bin/env node
// The bin launcher: as little as possible before the first output.
import {processIO} from './commands/io.js';
import {main} from './main.js';

const code = await main(process.argv.slice(2), processIO());
process.exitCode = code;
