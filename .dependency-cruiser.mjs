// The house rule "layers point one way", checked on every `npm test` (`npm run lint:layers`).
// The engine's layers, from the ground up: each may import only the layers before it in this
// list, never one after it. The front ends stand on top of all of them. ARCHITECTURE.md has the
// same table in words.
const LAYERS = ['model', 'store', 'platforms', 'runtime', 'jobs', 'engine', 'api', 'host'];
const FRONT_ENDS = ['cli', 'main', 'renderer'];

// Tests sit outside the layers: a spec beside the code may start a whole engine or a sandbox.
const SPEC = '\\.spec\\.tsx?$';

const upward = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `${layer}-imports-upward`,
  comment: i === 0 ? `core/${layer} imports nothing else in core.` : `core/${layer} may import only ${LAYERS.slice(0, i).map((l) => `core/${l}`).join(', ')}.`,
  severity: 'error',
  from: { path: `^core/${layer}/`, pathNot: SPEC },
  to: { path: `^core/(${LAYERS.slice(i + 1).join('|')})/` },
}));

const frontEndsApart = FRONT_ENDS.map((frontEnd) => ({
  name: `${frontEnd}-imports-another-front-end`,
  comment: `${frontEnd}/ is one front end; what it shares with another lives in core/ (main never imports the renderer).`,
  severity: 'error',
  from: { path: `^${frontEnd}/` },
  to: { path: `^(${FRONT_ENDS.filter((f) => f !== frontEnd).join('|')})/` },
}));

export default {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Files must not import each other in a loop, not even for a type: move what both need into a module of its own.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...upward,
    {
      name: 'core-imports-front-end',
      comment: 'core/ is the engine: it never imports a front end, the sandboxes, the test helpers or the build scripts.',
      severity: 'error',
      from: { path: '^core/', pathNot: SPEC },
      to: { path: '^(cli|main|renderer|sandbox|test|scripts)/' },
    },
    {
      name: 'core-outside-layers',
      comment: `Every file of core/ lives in one of its layer folders: ${LAYERS.map((l) => `core/${l}`).join(', ')}.`,
      severity: 'error',
      from: { path: '^core/', pathNot: `^core/(${LAYERS.join('|')})/` },
      to: {},
    },
    ...frontEndsApart,
    {
      name: 'renderer-imports-node-side',
      comment: 'The renderer runs in a browser: it talks to the engine only through the typed API, never to storage, platforms, jobs or the host.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^core/(store|platforms|jobs|host)/' },
    },
  ],
  options: {
    // `import type` counts: a loop of types is still a loop a reader has to untangle.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|test-results|coverage|release)/' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.mts', '.js', '.mjs', '.json'] },
  },
};
