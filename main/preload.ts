// The preload of the desktop window (sandboxed, context-isolated). It exposes exactly one object,
// `window.backroom`, of the type the renderer expects; nothing of Node or Electron leaks through.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EventName } from '../core/runtime/events';
import type { BackroomBridge, BridgeEnvelope } from '../core/api/desktop-bridge';
import { IPC, type InvokeChannels } from './ipc.shared';

const listeners = new Set<(name: EventName, payload: unknown) => void>();
let subscribed = false;

ipcRenderer.on(IPC.event, (_event: IpcRendererEvent, name: EventName, payload: unknown) => {
  for (const l of listeners) l(name, payload);
});

const bridge = {
  call(method: string, params: unknown): Promise<BridgeEnvelope> {
    const args: InvokeChannels[typeof IPC.call]['args'] = [String(method), params];
    return ipcRenderer.invoke(IPC.call, ...args) as Promise<BridgeEnvelope>;
  },
  subscribe(listener: (name: EventName, payload: unknown) => void): () => void {
    listeners.add(listener);
    if (!subscribed) {
      subscribed = true;
      ipcRenderer.send(IPC.subscribe);
    }
    return () => {
      listeners.delete(listener);
    };
  },
  platform: process.platform,
} satisfies BackroomBridge;

contextBridge.exposeInMainWorld('backroom', bridge);
