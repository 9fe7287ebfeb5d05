import { randomBytes } from 'node:crypto';
import { executeSync, Kind, parse, specifiedRules, validate, type FieldNode, type GraphQLFieldResolver, type GraphQLSchema, type SelectionSetNode } from 'graphql';
import { Router, startSandbox, type SandboxServer } from '../kit/server';
import { BULK } from './execute';

/**
 * Bulk query operations as Shopify runs them (shopify.dev, "Perform bulk operations with the
 * GraphQL Admin API"): the query is checked, run without page limits, and its result written as
 * JSONL, one object a line, each object of a nested connection on its own line with `__parentId`
 * naming its parent, children right after their parent. The file is served from another origin
 * (Shopify uses signed storage URLs), which takes no access token: a connector must not send one.
 */

export interface BulkOperationRecord {
  id: number;
  status: 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELED' | 'EXPIRED' | 'CANCELING';
  query: string;
  createdAt: string;
  completedAt: string | null;
  objectCount: number;
  rootObjectCount: number;
  url: string | null;
  errorCode: string | null;
  /** Polls answered so far; the operation completes on the first poll, as if it ran meanwhile. */
  polls: number;
}

export interface BulkFiles {
  readonly server: SandboxServer;
  put(name: string, content: string): string;
  /** Token headers seen on downloads (should stay empty). */
  readonly tokensSeen: string[];
  close(): Promise<void>;
}

export async function startBulkFiles(): Promise<BulkFiles> {
  const files = new Map<string, string>();
  const tokensSeen: string[] = [];
  const router = new Router().on('GET', '/bulk/:name', (req) => {
    const token = req.headers['x-shopify-access-token'];
    if (typeof token === 'string') tokensSeen.push(token);
    const content = files.get(req.params.name ?? '');
    if (content === undefined || req.query.get('signature') === null) return { status: 403, body: { error: 'AccessDenied: the signed URL is not valid.' } };
    return { status: 200, raw: content, headers: { 'content-type': 'application/jsonl' } };
  });
  const server = await startSandbox({ router, notFound: () => ({ status: 404, body: { error: 'NoSuchKey' } }) });
  return {
    server,
    tokensSeen,
    put(name, content) {
      files.set(name, content);
      return `${server.url}/bulk/${name}?signature=${randomBytes(8).toString('hex')}`;
    },
    close: () => server.close(),
  };
}

/** Why a bulk query is refused (Shopify's own limits: one root connection, at most five connections, two levels deep). */
export function bulkQueryProblem(schema: GraphQLSchema, source: string): string | null {
  let document;
  try {
    document = parse(source);
  } catch (error) {
    return `Invalid bulk query: ${(error as Error).message}`;
  }
  const errors = validate(schema, document, specifiedRules);
  if (errors.length) return `Invalid bulk query: ${errors.map((e) => e.message).join('; ')}`;
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION || operation.operation !== 'query') return 'Bulk queries must be a query.';
  const roots = operation.selectionSet.selections;
  if (roots.length !== 1 || roots[0]!.kind !== Kind.FIELD || !isConnection(roots[0]!)) return 'Bulk queries must contain exactly one top-level connection field.';
  let connections = 0;
  let deepest = 0;
  const walk = (set: SelectionSetNode, depth: number) => {
    for (const s of set.selections) {
      if (s.kind !== Kind.FIELD || !s.selectionSet) continue;
      const here = isConnection(s) ? depth + 1 : depth;
      if (isConnection(s)) connections++;
      deepest = Math.max(deepest, here);
      walk(s.selectionSet, here);
    }
  };
  walk(operation.selectionSet, 0);
  if (connections > 5) return `Bulk queries cannot contain more than 5 connections (this one has ${connections}).`;
  if (deepest > 2) return 'Bulk queries cannot contain connections nested more than 2 levels deep.';
  return null;
}

const isConnection = (field: FieldNode) => !!field.selectionSet?.selections.some((s) => s.kind === Kind.FIELD && (s.name.value === 'nodes' || s.name.value === 'edges'));

/** Runs a checked bulk query over every item and returns its JSONL lines and counts. */
export function runBulkQuery(schema: GraphQLSchema, rootValue: Record<string, unknown>, source: string): { jsonl: string; objectCount: number; rootObjectCount: number } {
  const document = parse(source);
  // Connections return every item inside a bulk operation: the resolver sees the bulk flag in its arguments.
  const fieldResolver: GraphQLFieldResolver<unknown, unknown> = (value, args, context, info) => {
    const property = (value as Record<string, unknown> | null)?.[info.fieldName];
    return typeof property === 'function' ? (property as (a: Record<string, unknown>) => unknown)({ ...args, [BULK]: true }) : property;
  };
  const result = executeSync({ schema, document, rootValue, fieldResolver });
  if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join('; '));
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) throw new Error('no operation');
  const root = operation.selectionSet.selections[0] as FieldNode;
  const lines: string[] = [];
  let rootObjectCount = 0;
  const nodesOf = (value: unknown, field: FieldNode): Record<string, unknown>[] => {
    const connection = value as Record<string, unknown> | null;
    if (!connection) return [];
    const nodes = field.selectionSet!.selections.some((s) => s.kind === Kind.FIELD && s.name.value === 'nodes') ? (connection.nodes as Record<string, unknown>[]) : ((connection.edges as { node: Record<string, unknown> }[]) ?? []).map((e) => e.node);
    return nodes ?? [];
  };
  const nodeSelection = (field: FieldNode): SelectionSetNode => {
    const child = field.selectionSet!.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && (s.name.value === 'nodes' || s.name.value === 'edges'))!;
    if (child.name.value === 'nodes') return child.selectionSet!;
    return (child.selectionSet!.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === 'node')!).selectionSet!;
  };
  const emit = (node: Record<string, unknown>, set: SelectionSetNode, parentId: string | null) => {
    const own: Record<string, unknown> = {};
    const children: [FieldNode, unknown][] = [];
    for (const s of set.selections) {
      if (s.kind !== Kind.FIELD) continue;
      const key = s.alias?.value ?? s.name.value;
      if (isConnection(s)) children.push([s, node[key]]);
      else own[key] = node[key];
    }
    if (parentId) own.__parentId = parentId;
    lines.push(JSON.stringify(own));
    for (const [field, value] of children) for (const child of nodesOf(value, field)) emit(child, nodeSelection(field), typeof node.id === 'string' ? node.id : null);
  };
  for (const node of nodesOf((result.data as Record<string, unknown>)[root.alias?.value ?? root.name.value], root)) {
    rootObjectCount++;
    emit(node, nodeSelection(root), null);
  }
  return { jsonl: lines.length ? `${lines.join('\n')}\n` : '', objectCount: lines.length, rootObjectCount };
}
