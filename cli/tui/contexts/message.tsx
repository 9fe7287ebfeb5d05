import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { ApiError } from '../../../core/api/errors';

/** The one-line result of the last action: what was done, or the API's message saying why not. */
export interface Message {
  kind: 'ok' | 'error' | 'info';
  text: string;
}

interface MessageActions {
  show(message: Message | null): void;
  ok(text: string): void;
  info(text: string): void;
  /** Shows the API's own message (the same words the CLI prints). */
  fail(error: unknown): void;
}

// State and actions in separate contexts: components that only act do not re-render on every message.
const MessageState = createContext<Message | null>(null);
const MessageActionsContext = createContext<MessageActions | null>(null);

export function errorText(error: unknown): string {
  return ApiError.from(error).message;
}

export function MessageProvider({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState<Message | null>(null);
  const actions = useMemo<MessageActions>(
    () => ({
      show: setMessage,
      ok: (text) => setMessage({ kind: 'ok', text }),
      info: (text) => setMessage({ kind: 'info', text }),
      fail: (error) => setMessage({ kind: 'error', text: errorText(error) }),
    }),
    [],
  );
  return (
    <MessageActionsContext.Provider value={actions}>
      <MessageState.Provider value={message}>{children}</MessageState.Provider>
    </MessageActionsContext.Provider>
  );
}

export function useMessage(): Message | null {
  return useContext(MessageState);
}

export function useMessageActions(): MessageActions {
  const actions = useContext(MessageActionsContext);
  if (!actions) throw new Error('useMessageActions needs a MessageProvider');
  return actions;
}
