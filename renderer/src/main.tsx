import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connect } from './api';
import { ClientContext, createQueryClient, LiveQueries } from './hooks';
import './styles.css';

const queryClient = createQueryClient();

// The stream can open before Root has mounted; what happened until then is kept here.
let streamState = { connected: true, epoch: 0 };
let notify: (state: typeof streamState) => void = () => undefined;
const connection = connect((up) => {
  streamState = { connected: up, epoch: streamState.epoch + (up ? 1 : 0) };
  notify(streamState);
});

function Root() {
  const [stream, setStream] = useState(streamState);
  useEffect(() => {
    notify = setStream;
    setStream(streamState);
  }, []);
  if (connection.kind === 'no-token') {
    return (
      <main className="gate">
        <div className="card">
          <h1>Backroom needs its link</h1>
          <p>
            This page opens from the link that <code>backroom web</code> prints, which carries a one-time key. Run <code>backroom web</code> on
            the shop computer again and open the link it shows (over an SSH tunnel if you are on another computer).
          </p>
        </div>
      </main>
    );
  }
  return (
    <ClientContext.Provider value={connection.client}>
      <QueryClientProvider client={queryClient}>
        <LiveQueries streamEpoch={stream.epoch}>
          <App transport={connection.transport} connected={stream.connected} />
        </LiveQueries>
      </QueryClientProvider>
    </ClientContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
