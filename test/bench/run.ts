// `npm run bench`: runs each bench module and prints its figures, with the target and PASS/MISS
// next to each. Timing never fails the run. Add a bench by writing a module that exports a Bench
// and listing it below; `npm run bench -- NAME…` runs only the named ones.
import { crmBench } from './crm';
import { growthBench } from './growth';
import { latencyBench } from './latency';
import { storeBench } from './store';
import { syncBench } from './sync';
import { tuiBench } from './tui';
import type { Bench, Figure } from './types';

const benches: Bench[] = [storeBench, tuiBench, syncBench, crmBench, latencyBench, growthBench];

function format(figure: Figure): string {
  const value = `${figure.value.toFixed(figure.decimals ?? 1)} ${figure.unit}`;
  const target = figure.target ? `target < ${figure.target} ${figure.unit}` : '';
  const verdict = figure.target ? (figure.value < figure.target ? 'PASS' : 'MISS') : '';
  return `  ${figure.label.padEnd(52)} ${value.padStart(12)}   ${target.padEnd(20)} ${verdict}${figure.note ? `  (${figure.note})` : ''}`;
}

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const selected = wanted.length ? benches.filter((b) => wanted.includes(b.name)) : benches;
if (selected.length === 0) {
  process.stderr.write(`No bench called ${wanted.join(', ')}. Benches: ${benches.map((b) => b.name).join(', ')}\n`);
  process.exit(2);
}
let misses = 0;
for (const bench of selected) {
  const started = performance.now();
  process.stdout.write(`\n${bench.name}: ${bench.description}\n`);
  await bench.run((figure) => {
    if (figure.target && figure.value >= figure.target) misses++;
    process.stdout.write(`${format(figure)}\n`);
  }, (line) => process.stdout.write(`  · ${line}\n`));
  process.stdout.write(`  (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}
process.stdout.write(`\n${misses === 0 ? 'All targets met.' : `${misses} target(s) missed.`} (Figures are for this machine; the bench never fails on timing.)\n`);
