import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connect } from './api';
import { ClientContext } from './hooks';
import './styles.css';

let setConnected: (up: boolean) => void = () => undefined;
const connection = connect((up) => setConnected(up));

function Root() {
  const [connected, setState] = useState(true);
  useEffect(() => {
    setConnected = setState;
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
      <App transport={connection.transport} connected={connected} />
    </ClientContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
