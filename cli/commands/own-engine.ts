import { hostEngine, type EngineHost } from '../../core/host/host';
import { readOwnerInfo } from '../../core/store/lock';

/**
 * Makes this process the engine for `dataDir` (lock, store, local socket, scheduler), for commands
 * that must own it: `daemon`, `web`. When another process owns the folder, the error says which
 * one, and `advice` says what to do about it for this command.
 */
export async function ownEngine(dataDir: string, advice: string): Promise<EngineHost> {
  const host = await hostEngine({ dataDir, serve: true, schedule: true });
  if (host) return host;
  const owner = await readOwnerInfo(dataDir);
  throw new Error(`Another Backroom engine already runs on ${dataDir}${owner ? ` (pid ${owner.pid})` : ''}; ${advice}`);
}
