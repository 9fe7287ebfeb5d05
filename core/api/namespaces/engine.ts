// The engine itself: its state in one word (for the tray and the window), paused and resumed.
import { z } from 'zod';
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

export function engineState(ctx: ApiContext): EngineState {
  return {
    state: ctx.engine.overallState(),
    paused: ctx.engine.paused,
    running: ctx.engine.runningJobs,
    nextRuns: ctx.scheduler?.nextRuns ?? [],
    queueDepth: ctx.engine.queue.depth(),
  };
}

export const engine = namespace(contract, {
  async 'engine.state'(_params, ctx) {
    return engineState(ctx);
  },
  async 'engine.pause'(_params, ctx) {
    ctx.engine.paused = true;
    ctx.events.emit('state', ctx.engine.stateEvent());
    return engineState(ctx);
  },
  async 'engine.resume'(_params, ctx) {
    ctx.engine.paused = false;
    ctx.events.emit('state', ctx.engine.stateEvent());
    return engineState(ctx);
  },
});
