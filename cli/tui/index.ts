// The terminal UI, loaded only by `backroom`, `backroom tui` and `backroom demo` (dynamic import).
export { runTui, type RunTuiOptions } from './run';
