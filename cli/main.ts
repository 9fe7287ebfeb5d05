import { processIo } from './output';
import { runCli } from './program';

/** Entry point of the `backroom` command (bin/backroom.mjs calls this). */
export async function main(argv: string[]): Promise<number> {
  return runCli(argv, { io: processIo(), env: process.env, exitCode: 0 });
}
