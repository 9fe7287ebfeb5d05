// The engine itself: its state in one word (for the tray and the window), paused and resumed.
import { z } from 'zod';
import { stateWord } from '../../engine/health';
import type { NextRun } from '../../engine/scheduler';
import type { ApiContext } from '../context';
import { method } from '../define';
import { namespace } from '../namespace';

export interface EngineState {
  state: 'ok' | 'syncing' | 'errors' | 'paused';
  paused: boolean;
  running: string[];
  nextRuns: NextRun[];
  queueDepth: number;
}

const empty = z.object({}).strict();

const contract = {
  'engine.state': method<EngineState>()(empty),
  'engine.pause': method<EngineState>()(empty),
  'engine.resume': method<EngineState>()(empty),
};

/** What the engine is doing, its word read fresh through the repositories (an error written by another path counts at once). */
async function engineState(ctx: ApiContext): Promise<EngineState> {
  const health = await ctx.engine.health();
  return {
    state: stateWord(health),
    paused: ctx.engine.paused,
    running: ctx.engine.runningJobs,
    nextRuns: ctx.scheduler?.nextRuns ?? [],
    queueDepth: await ctx.repos.queue.depth(),
  };
}

export const engine = namespace(contract, {
  async 'engine.state'(_params, ctx) {
    return await engineState(ctx);
  },
  async 'engine.pause'(_params, ctx) {
    ctx.engine.paused = true;
    ctx.events.emit('state', ctx.engine.stateEvent());
    return await engineState(ctx);
  },
  async 'engine.resume'(_params, ctx) {
    ctx.engine.paused = false;
    ctx.events.emit('state', ctx.engine.stateEvent());
    return await engineState(ctx);
  },
});
