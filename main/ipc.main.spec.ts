// IPC wiring without Electron: a fake ipcMain. Untrusted senders are refused; calls are checked
// against the API (unknown method, bad params) and come back as envelopes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebContents } from 'electron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../core/api/server';
import { hostEngine, type EngineHost } from '../core/host/host';
import { isTrustedSender, registerIpc, type IpcMainLike } from './ipc.main';
import { IPC } from './ipc.shared';

process.env.BACKROOM_SECRETS = 'file';

let dir: string;
let host: EngineHost;
type Handler = (event: unknown, ...args: unknown[]) => unknown;
const handlers = new Map<string, Handler>();
const fakeIpc = {
  handle: (channel: string, h: Handler) => void handlers.set(channel, h),
  on: (channel: string, h: Handler) => void handlers.set(channel, h),
  removeHandler: (channel: string) => void handlers.delete(channel),
  removeAllListeners: (channel: string) => void handlers.delete(channel),
} as unknown as IpcMainLike;
const ours = { isDestroyed: () => false, send: () => undefined, once: () => undefined } as unknown as WebContents;
const stranger = { isDestroyed: () => false } as unknown as WebContents;
const frame = (url: string, parent: unknown = null) => ({ url, parent });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'br-ipc-'));
  host = (await hostEngine({ dataDir: dir, serve: false }))!;
  registerIpc(fakeIpc, { call: (m, p) => dispatch(host.ctx, m, p), subscribe: (l) => host.ctx.events.onAny(l) }, () => ours);
});
afterAll(async () => {
  await host.close();
  await rm(dir, { recursive: true, force: true });
});

const call = (event: unknown, method: unknown, params: unknown) => handlers.get(IPC.call)!(event, method, params);

describe('desktop IPC', () => {
  it('trusts only our window showing app://backroom', () => {
    expect(isTrustedSender({ sender: ours, senderFrame: frame('app://backroom/index.html') } as never, () => ours)).toBe(true);
    expect(isTrustedSender({ sender: stranger, senderFrame: frame('app://backroom/index.html') } as never, () => ours)).toBe(false);
    expect(isTrustedSender({ sender: ours, senderFrame: frame('https://evil.example/') } as never, () => ours)).toBe(false);
    expect(isTrustedSender({ sender: ours, senderFrame: frame('app://backroom/x', {}) } as never, () => ours)).toBe(false);
    expect(isTrustedSender({ sender: ours, senderFrame: frame('app://backroom/') } as never, () => null)).toBe(false);
  });

  it('refuses a call from an untrusted sender', () => {
    expect(() => call({ sender: ours, senderFrame: frame('https://evil.example/') }, 'status', {})).toThrow(/untrusted/);
  });

  it('answers calls with envelopes checked by the API schemas', async () => {
    const trusted = { sender: ours, senderFrame: frame('app://backroom/index.html') };
    expect(await call(trusted, 'location.add', { name: 'Warehouse' })).toMatchObject({ ok: true, result: { name: 'Warehouse' } });
    expect(await call(trusted, 'stock.set', { sku: 'A', quantity: -1, location: 'Warehouse' })).toMatchObject({ ok: false, error: { code: 'bad-input', field: 'quantity' } });
    expect(await call(trusted, 'fs.readFile', {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(await call(trusted, { toString: () => 'status' }, {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
  });
});
