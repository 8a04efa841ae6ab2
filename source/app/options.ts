/**
 * What a front end (ui/) receives from the command line: the parsed options and the process IO. Types only:
 * ui/ reaches the engine through app/ and never imports commands/ or backends/ itself.
 */
export type {IO} from '../commands/io.js';
export type {Options} from '../commands/options.js';
