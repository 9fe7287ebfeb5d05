// CRM bench (issue 4): tag orders through the sandbox CRMs at their published limits. Each order is a
// distinct new contact earning one rule tag. Figures: requests made vs the least the CRM's API
// allows, and how close the wall time comes to the CRM's limit. 10,000 contacts at ActiveCampaign's
// 5 requests/s would take over an hour, so a sample is run and the 10,000 figures are extrapolated
// from its per-contact cost and its achieved rate (said so in each note).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostEngine } from '../../core/engine/host';
import { ACTIVECAMPAIGN_LIMITS } from '../../core/platforms/activecampaign/connector';
import { MAILCHIMP_BATCH_SIZE, MAILCHIMP_LIMITS } from '../../core/platforms/mailchimp/connector';
import { startActiveCampaignSandbox } from '../../sandbox/activecampaign/server';
import type { SandboxServer } from '../../sandbox/kit/server';
import { startMailchimpSandbox } from '../../sandbox/mailchimp/server';
import { startWooSandbox } from '../../sandbox/woocommerce';
import type { Bench, Figure } from './types';

export const TARGET_CONTACTS = 10_000;
/** ActiveCampaign sample: at 5 req/s each contact costs ~0.4 s, so a few hundred requests. */
export const AC_SAMPLE = 100;
/** Mailchimp is limited by connections, not a rate: a larger sample (four /batches of 500). */
export const MC_SAMPLE = 2_000;
/** Simulated network round trip of the Mailchimp sandbox, so 10 connections have something to overlap. */
const MC_LATENCY_MS = 20;
const TAG = 'Customer';

interface Run {
  wallMs: number;
  requests: number;
  tagged: number;
  contacts: number;
  errors: number;
  /** The CRM sandbox's requests during the CRM job, as "METHOD /path-pattern" → count. */
  byEndpoint: Map<string, number>;
  rateLimited: number;
}

/** "POST /api/3/contactTags", with ids and hashes replaced by ":id". */
const endpoint = (r: { method: string; path: string }) => `${r.method} ${r.path.split('?')[0]!.replace(/\/[0-9a-f]{32}(?=\/|$)/g, '/:hash').replace(/\/\d+(?=\/|$)/g, '/:id').replace(/batches\/[0-9a-z]{10}$/, 'batches/:id')}`;

/** Pulls `count` orders (one new contact each) into a fresh engine, then times the CRM job alone. */
async function tagOrders(count: number, crm: SandboxServer, connection: Record<string, string>): Promise<Run> {
  const root = await mkdtemp(join(tmpdir(), 'backroom-bench-crm-'));
  const shop = await startWooSandbox({ seed: { products: 8 } });
  let host: Awaited<ReturnType<typeof hostEngine>> = null;
  try {
    const at = Date.now() - 3_600_000;
    for (let i = 0; i < count; i++) shop.addOrder({ status: 'processing', email: `bench.contact${i}@example.com`, lines: [{ sku: 'SKU-00001', quantity: 1 }], createdMs: at + i });
    host = await hostEngine({ dataDir: join(root, 'data'), serve: false });
    if (!host) throw new Error('the bench data directory is locked');
    const api = host.client;
    await api.call('shop.add', { platform: 'woocommerce', name: 'Main', url: shop.url, key: shop.credentials.key, secret: shop.credentials.secret, combined: true });
    await api.call('crm.add', connection as never);
    await api.call('rules.add', { trigger: { kind: 'order-status', statuses: ['processing'] }, applyTags: [TAG] });
    await api.call('sync.run', { job: 'orders' });
    const queued = (await api.call('engine.state')).queueDepth;
    if (queued !== count) throw new Error(`expected ${count} contacts queued for the CRM, found ${queued}`);
    const from = crm.log.length;
    const started = performance.now();
    const { summaries } = await api.call('sync.run', { job: 'crm' });
    const wallMs = performance.now() - started;
    const s = summaries.find((x) => x.job === 'crm')!;
    const seen = crm.log.slice(from);
    const byEndpoint = new Map<string, number>();
    for (const r of seen) byEndpoint.set(endpoint(r), (byEndpoint.get(endpoint(r)) ?? 0) + 1);
    return { wallMs, requests: s.requests, tagged: s.counts.tagged ?? 0, contacts: s.counts.contacts ?? 0, errors: s.errors, byEndpoint, rateLimited: seen.filter((r) => r.status === 429).length };
  } finally {
    await host?.close();
    await shop.close();
    await rm(root, { recursive: true, force: true });
  }
}

const list = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${v} × ${k}`).join(', ');
const k = (n: number) => n.toLocaleString('en');

async function activeCampaign(report: (f: Figure) => void, log: (line: string) => void): Promise<void> {
  const crm = await startActiveCampaignSandbox();
  try {
    const run = await tagOrders(AC_SAMPLE, crm, { platform: 'activecampaign', name: 'AC', url: crm.accountUrl, key: crm.key });
    log(`ActiveCampaign, ${AC_SAMPLE} new contacts: ${run.contacts} contacts, ${run.tagged} tags applied, ${run.errors} errors, ${run.rateLimited} answers of 429; requests: ${list(run.byEndpoint)}`);
    // Least the API allows for n new contacts with one tag each: contact/sync (upsert by email) and
    // one contactTags POST per contact, plus one-offs: a read of the tag list (tag ids), one POST /tags
    // creating the tag, and a read of the custom fields (the company goes in a field, found by name).
    const oneOffs = 3;
    const minimum = 2 * AC_SAMPLE + oneOffs;
    const perContact = (run.requests - oneOffs) / AC_SAMPLE;
    report({ label: `ActiveCampaign, ${AC_SAMPLE} contacts: requests made`, value: run.requests, unit: 'req', target: minimum + 1, decimals: 0, note: `minimum 2 per new contact (contact/sync, contactTags) + ${oneOffs} one-offs (tag list, tag create, field list) = ${minimum}; PASS means equal; retries of a 429 count` });
    const rate = run.requests / (run.wallMs / 1000);
    const limit = ACTIVECAMPAIGN_LIMITS.requestsPerSecond!;
    report({ label: `ActiveCampaign: achieved rate vs the published ${limit} req/s`, value: (100 * rate) / limit, unit: '%', decimals: 0, note: `${rate.toFixed(2)} req/s over ${(run.wallMs / 1000).toFixed(1)} s; a sixth start waits until the fifth-last is ${ACTIVECAMPAIGN_LIMITS.rollingWindow!.windowMs + ACTIVECAMPAIGN_LIMITS.rollingWindow!.marginMs} ms old, so a rolling second never holds a sixth` });
    const extrapolated = (TARGET_CONTACTS * perContact + oneOffs) / rate;
    const floor = (TARGET_CONTACTS * 2 + oneOffs) / limit;
    report({ label: `ActiveCampaign: ${k(TARGET_CONTACTS)} contacts, wall time (extrapolated)`, value: extrapolated / 60, unit: 'min', decimals: 1, note: `from the ${AC_SAMPLE}-contact sample: ${perContact.toFixed(2)} req/contact at ${rate.toFixed(2)} req/s; the floor at exactly ${limit} req/s and the minimum requests is ${(floor / 60).toFixed(1)} min` });
  } finally {
    await crm.close();
  }
}

async function mailchimp(report: (f: Figure) => void, log: (line: string) => void): Promise<void> {
  const crm = await startMailchimpSandbox({ latencyMs: MC_LATENCY_MS });
  try {
    const run = await tagOrders(MC_SAMPLE, crm, { platform: 'mailchimp', name: 'MC', key: crm.key, listId: crm.listId, server: crm.server });
    log(`Mailchimp, ${k(MC_SAMPLE)} new contacts (sandbox answers after ${MC_LATENCY_MS} ms; a batch runs as soon as it is submitted): ${run.contacts} contacts, ${run.tagged} tags applied, ${run.errors} errors, ${run.rateLimited} answers of 429, peak ${crm.state.peakConnections} connections; requests: ${list(run.byEndpoint)}`);
    // Least the API allows: one member PUT per contact (upsert by MD5 of the e-mail; it answers with
    // the member's status and tags), the tag changes through /batches of ${MAILCHIMP_BATCH_SIZE} (a
    // submit and at least one status read each), and one read of the audience's merge fields.
    const batches = Math.ceil(MC_SAMPLE / MAILCHIMP_BATCH_SIZE);
    const minimum = MC_SAMPLE + 2 * batches + 1;
    report({ label: `Mailchimp, ${k(MC_SAMPLE)} contacts: requests made`, value: run.requests, unit: 'req', target: minimum + batches + 1, decimals: 0, note: `minimum ${MC_SAMPLE} PUTs + ${batches} batches × (submit + 1 status read) + 1 merge-field read = ${minimum}; a batch still running at its first status read needs another, so PASS up to ${minimum + batches}` });
    report({ label: 'Mailchimp: peak connections vs the limit of 10', value: crm.state.peakConnections, unit: 'conn', target: MAILCHIMP_LIMITS.concurrency + 1, decimals: 0, note: 'PASS means at most 10' });
    // At 10 connections and this round trip, the PUTs alone could go at 10 / latency per second.
    const ceiling = MAILCHIMP_LIMITS.concurrency / (MC_LATENCY_MS / 1000);
    const rate = run.requests / (run.wallMs / 1000);
    // The member PUTs alone: their arrivals, less the pauses while a batch is waited for.
    const puts = crm.log.filter((r) => r.method === 'PUT').map((r) => r.at).sort((a, b) => a - b);
    let putSpanMs = 0;
    for (let i = 1; i < puts.length; i++) if (puts[i]! - puts[i - 1]! < 500) putSpanMs += puts[i]! - puts[i - 1]!;
    const putRate = puts.length / Math.max(putSpanMs / 1000, 0.001);
    report({ label: 'Mailchimp: member PUTs alone vs the 10-connection ceiling', value: (100 * putRate) / (MAILCHIMP_LIMITS.concurrency / (MC_LATENCY_MS / 1000)), unit: '%', decimals: 0, note: `${putRate.toFixed(0)} PUT/s while upserting, batch waits left out` });
    report({ label: `Mailchimp: achieved rate vs the 10-connection ceiling`, value: (100 * rate) / ceiling, unit: '%', decimals: 0, note: `${rate.toFixed(0)} req/s over ${(run.wallMs / 1000).toFixed(1)} s vs ${ceiling.toFixed(0)} req/s; the batch status waits (2 s per read) are the gap` });
    report({ label: `Mailchimp: ${k(TARGET_CONTACTS)} contacts, wall time (extrapolated)`, value: ((run.wallMs / 1000) * TARGET_CONTACTS) / MC_SAMPLE / 60, unit: 'min', decimals: 1, note: `linear from the ${k(MC_SAMPLE)}-contact sample (${Math.ceil(TARGET_CONTACTS / MAILCHIMP_BATCH_SIZE)} batches)` });
  } finally {
    await crm.close();
  }
}

export const crmBench: Bench = {
  name: 'crm',
  description: `tag orders through the ActiveCampaign (${AC_SAMPLE}-contact sample) and Mailchimp (${k(MC_SAMPLE)}) sandboxes at their published limits; ${k(TARGET_CONTACTS)} extrapolated`,
  async run(report, log) {
    await activeCampaign(report, log);
    await mailchimp(report, log);
  },
};
