// `npm run bench`: runs each bench module and prints its figures, with the target and PASS/MISS
// next to each, then one summary table of every figure with the machine it ran on (for the README).
// Timing never fails the run. Add a bench by writing a module that exports a Bench and listing it
// below; `npm run bench -- NAME…` runs only the named ones; `--full` adds the growth bench's largest sizes.
import { cpus, totalmem } from 'node:os';
import { crmBench } from './crm';
import { shopifyBench } from './shopify';
import { growthBench } from './growth';
import { latencyBench } from './latency';
import { ledgerBench } from './ledger';
import { postgresBench } from './postgres';
import { rendererBench } from './renderer';
import { storeBench } from './store';
import { syncBench } from './sync';
import { tuiBench } from './tui';
import { workersBench } from './workers';
import type { Bench, Figure } from './types';

const benches: Bench[] = [storeBench, ledgerBench, tuiBench, syncBench, crmBench, shopifyBench, latencyBench, growthBench, rendererBench, postgresBench, workersBench];

function format(figure: Figure): string {
  const value = `${figure.value.toFixed(figure.decimals ?? 1)} ${figure.unit}`;
  const target = figure.target ? `target < ${figure.target} ${figure.unit}` : '';
  const verdict = figure.target ? (figure.value < figure.target ? 'PASS' : 'MISS') : '';
  return `  ${figure.label.padEnd(52)} ${value.padStart(12)}   ${target.padEnd(20)} ${verdict}${figure.note ? `  (${figure.note})` : ''}`;
}

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const selected = wanted.length ? benches.filter((b) => wanted.includes(b.name)) : benches.filter((b) => !b.onlyWhenNamed);
if (selected.length === 0) {
  process.stderr.write(`No bench called ${wanted.join(', ')}. Benches: ${benches.map((b) => b.name).join(', ')}\n`);
  process.exit(2);
}
let misses = 0;
const all: { bench: string; figure: Figure }[] = [];
for (const bench of selected) {
  const started = performance.now();
  process.stdout.write(`\n${bench.name}: ${bench.description}\n`);
  await bench.run((figure) => {
    if (figure.target && figure.value >= figure.target) misses++;
    all.push({ bench: bench.name, figure });
    process.stdout.write(`${format(figure)}\n`);
  }, (line) => process.stdout.write(`  · ${line}\n`));
  process.stdout.write(`  (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}
const machine = `${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 1024 ** 3).toFixed(0)} GB memory, Node ${process.version}, ${process.platform}`;
process.stdout.write(`\nSummary — ${machine}\n\n| bench | figure | value | target | verdict |\n| --- | --- | --- | --- | --- |\n`);
for (const { bench, figure } of all) {
  const value = `${figure.value.toFixed(figure.decimals ?? 1)} ${figure.unit}`;
  const verdict = figure.target ? (figure.value < figure.target ? 'PASS' : 'MISS') : 'info';
  process.stdout.write(`| ${bench} | ${figure.label.replace(/\|/g, '/')} | ${value} | ${figure.target ? `< ${figure.target} ${figure.unit}` : ''} | ${verdict} |\n`);
}
process.stdout.write(`\n${misses === 0 ? 'All targets met.' : `${misses} target(s) missed.`} (Figures are for this machine; the bench never fails on timing.)\n`);
