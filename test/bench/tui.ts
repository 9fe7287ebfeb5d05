// Terminal UI bench (issue 5): time from launching `backroom` to its first dashboard frame when it
// attaches to a running engine that holds a large store (the store bench's 100,000 orders and
// 20,000 SKUs), and the memory of the TUI process. The TUI runs in a real pseudo-terminal
// (util-linux `script`), so Ink renders exactly as it would over SSH.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, ensureCliBuilt } from '../helpers';
import { ORDER_COUNT, SKU_COUNT, buildDataDir } from './store';
import { median, type Bench } from './types';

const RUNS = 5;
const SCRIPT = '/usr/bin/script';
/** Text that only the dashboard's first full frame shows (the store's SKU count). */
const FIRST_FRAME = `SKUs ${SKU_COUNT.toLocaleString('en')}`;

function waitForOutput(child: ChildProcess, text: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no "${text}" within ${timeoutMs} ms; output so far: ${seen.slice(-500)}`)), timeoutMs);
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (seen.includes(text)) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', () => reject(new Error(`exited before "${text}"; output: ${seen.slice(-500)}`)));
  });
}

/** Peak and current resident memory of a process, in MB (Linux /proc). */
function memoryOf(pid: number): { peak: number; now: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return { peak: kb('VmHWM') / 1024, now: kb('VmRSS') / 1024 };
  } catch {
    return null;
  }
}

export const tuiBench: Bench = {
  name: 'tui',
  description: `backroom (terminal UI) attaching to an engine holding ${ORDER_COUNT.toLocaleString('en')} orders: launch to first dashboard frame, and its memory`,
  async run(report, log) {
    if (!existsSync(SCRIPT)) {
      log(`skipped: ${SCRIPT} (util-linux) is needed to give the TUI a pseudo-terminal`);
      return;
    }
    const env = { ...process.env, BACKROOM_SECRETS: 'file', NO_COLOR: '1' };
    const root = await mkdtemp(join(tmpdir(), 'backroom-bench-tui-'));
    const dir = join(root, 'data');
    let daemon: ChildProcess | null = null;
    try {
      await Promise.all([buildDataDir(dir), ensureCliBuilt()]);
      daemon = spawn(process.execPath, [BIN, '--data-dir', dir, 'daemon'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      await waitForOutput(daemon, 'Backroom engine running', 60_000);
      log('daemon holds the store; launching the TUI attached to it');

      const times: number[] = [];
      const peaks: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        const tui = spawn(SCRIPT, ['-qfec', `exec ${process.execPath} ${BIN} --data-dir ${dir}`, '/dev/null'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
        await waitForOutput(tui, FIRST_FRAME, 30_000);
        times.push(performance.now() - started);
        const pid = Number(spawnSync('pgrep', ['-P', String(tui.pid)], { encoding: 'utf8' }).stdout.trim().split('\n')[0]);
        const memory = pid ? memoryOf(pid) : null;
        if (memory) peaks.push(memory.peak);
        tui.stdin!.write('q');
        await new Promise((resolve) => tui.once('exit', resolve));
      }
      log(`launch to first frame, each run: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
      report({ label: 'launch to first dashboard frame (attached): median', value: median(times), unit: 'ms', target: 700, decimals: 0 });
      if (peaks.length) report({ label: 'TUI process peak RSS at first frame: median', value: median(peaks), unit: 'MB', decimals: 0 });
      else log('TUI memory not measured: /proc or pgrep is not available here');
    } finally {
      if (daemon && daemon.exitCode === null) {
        daemon.kill('SIGTERM');
        await new Promise((resolve) => daemon!.once('exit', resolve));
      }
      await rm(root, { recursive: true, force: true });
    }
  },
};
