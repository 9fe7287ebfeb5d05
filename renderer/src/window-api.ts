// The desktop app's preload puts the bridge on `window.backroom` (core/api/desktop-bridge.ts says
// what it holds). The browser build has no such object and talks HTTP instead.
import type { BackroomBridge } from '../../core/api/desktop-bridge';

declare global {
  interface Window {
    backroom?: BackroomBridge;
  }
}
