import { createContext, useContext, type ReactNode } from 'react';
import type { ApiClient } from '../../../core/api/client';

/** The API client the whole UI talks through, and how this process reached the engine. */
export interface EngineConnection {
  client: ApiClient;
  /** True when this process hosts the engine (quitting stops it); false when attached to another process. */
  hosted: boolean;
  /** Shown in the header, e.g. "demo data". */
  label?: string;
}

const EngineContext = createContext<EngineConnection | null>(null);

export function EngineProvider({ value, children }: { value: EngineConnection; children: ReactNode }) {
  return <EngineContext.Provider value={value}>{children}</EngineContext.Provider>;
}

export function useEngine(): EngineConnection {
  const value = useContext(EngineContext);
  if (!value) throw new Error('useEngine needs an EngineProvider');
  return value;
}

export function useClient(): ApiClient {
  return useEngine().client;
}
