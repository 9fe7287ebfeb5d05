import envPaths from 'env-paths';
import { resolve } from 'node:path';

/**
 * Where Backroom keeps its data: `--data-dir` wins, then BACKROOM_HOME, then the platform's
 * per-user data folder (%LOCALAPPDATA%\Backroom\Data on Windows, ~/Library/Application Support/Backroom
 * on macOS, ~/.local/share/Backroom on Linux).
 */
export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag && flag.trim()) return resolve(flag);
  if (env.BACKROOM_HOME && env.BACKROOM_HOME.trim()) return resolve(env.BACKROOM_HOME);
  return envPaths('Backroom', { suffix: '' }).data;
}
