import {
  getNamedType,
  isCompositeType,
  isLeafType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * Shopify's query cost (shopify.dev, "API rate limits"): scalars and enums cost 0, an object 1, a
 * connection 2 plus `first` times the cost of one node, a list taking `first` the same; every
 * mutation field 10. The requested cost is counted from the document before it runs; the actual
 * cost from what was returned (a short page or a null object costs less), and Shopify refunds the
 * difference to the bucket.
 */

type Variables = Record<string, unknown>;
type Data = Record<string, unknown> | null | undefined;

interface CostContext {
  schema: GraphQLSchema;
  variables: Variables;
  fragments: Map<string, FragmentDefinitionNode>;
  /** Counting what was returned (actual) rather than what may be returned (requested). */
  actual: boolean;
}

function firstArgument(field: FieldNode, variables: Variables): number | undefined {
  for (const arg of field.arguments ?? []) {
    if (arg.name.value !== 'first' && arg.name.value !== 'last') continue;
    const value = valueFromASTUntyped(arg.value, variables);
    if (typeof value === 'number') return value;
  }
  return undefined;
}

/** The fields of a selection set, fragments flattened in. */
function fieldsOf(set: SelectionSetNode, ctx: CostContext): FieldNode[] {
  const out: FieldNode[] = [];
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) out.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) out.push(...fieldsOf(s.selectionSet, ctx));
    else {
      const fragment = ctx.fragments.get(s.name.value);
      if (fragment) out.push(...fieldsOf(fragment.selectionSet, ctx));
    }
  }
  return out;
}

function fieldType(parent: GraphQLCompositeType, name: string) {
  if (!isObjectType(parent) && !('getFields' in parent)) return undefined;
  return 'getFields' in parent ? parent.getFields()[name] : undefined;
}

function setCost(set: SelectionSetNode, parent: GraphQLCompositeType, data: Data, ctx: CostContext): number {
  let total = 0;
  for (const field of fieldsOf(set, ctx)) {
    const def = fieldType(parent, field.name.value);
    if (!def || !field.selectionSet) continue;
    const named = getNamedType(def.type);
    if (isLeafType(named) || !isCompositeType(named)) continue;
    const value = data?.[field.alias?.value ?? field.name.value];
    total += fieldCost(field, named, value, ctx);
  }
  return total;
}

function fieldCost(field: FieldNode, type: GraphQLCompositeType, value: unknown, ctx: CostContext): number {
  const set = field.selectionSet!;
  if (ctx.actual && (value === null || value === undefined)) return 0;
  const first = firstArgument(field, ctx.variables);
  if (type.name.endsWith('Connection') && 'getFields' in type) {
    // One node: what `nodes { … }` or `edges { node { … } }` selects; pageInfo is free.
    let cost = 2;
    for (const child of fieldsOf(set, ctx)) {
      const def = type.getFields()[child.name.value];
      if (!def || !child.selectionSet) continue;
      const itemType = getNamedType(def.type);
      if (!isCompositeType(itemType) || itemType.name === 'PageInfo') continue;
      const items = ctx.actual ? ((value as Record<string, unknown>)[child.alias?.value ?? child.name.value] as unknown[] | undefined) ?? [] : null;
      const nodeSet = child.selectionSet;
      if (child.name.value === 'nodes') {
        cost += items ? items.reduce<number>((sum, item) => sum + 1 + setCost(nodeSet, itemType, item as Data, ctx), 0) : (first ?? 0) * (1 + setCost(nodeSet, itemType, null, ctx));
      } else if (child.name.value === 'edges' && 'getFields' in itemType) {
        for (const e of fieldsOf(child.selectionSet, ctx)) {
          const nodeDef = itemType.getFields()[e.name.value];
          const nodeType = nodeDef ? getNamedType(nodeDef.type) : undefined;
          if (e.name.value !== 'node' || !e.selectionSet || !nodeType || !isCompositeType(nodeType)) continue;
          cost += items
            ? items.reduce<number>((sum, edge) => sum + 1 + setCost(e.selectionSet!, nodeType, (edge as Record<string, unknown>)[e.alias?.value ?? 'node'] as Data, ctx), 0)
            : (first ?? 0) * (1 + setCost(e.selectionSet, nodeType, null, ctx));
        }
      }
    }
    return cost;
  }
  if (Array.isArray(value) || first !== undefined) {
    // A plain list (Order.fulfillments, trackingInfo): each item an object.
    if (ctx.actual) return (first !== undefined ? 2 : 0) + (value as unknown[]).reduce<number>((sum, item) => sum + 1 + setCost(set, type, item as Data, ctx), 0);
    return first !== undefined ? 2 + first * (1 + setCost(set, type, null, ctx)) : 1 + setCost(set, type, null, ctx);
  }
  return 1 + setCost(set, type, ctx.actual ? (value as Data) : null, ctx);
}

function context(schema: GraphQLSchema, fragments: FragmentDefinitionNode[], variables: Variables, actual: boolean): CostContext {
  return { schema, variables, fragments: new Map(fragments.map((f) => [f.name.value, f])), actual };
}

export function requestedCost(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: FragmentDefinitionNode[], variables: Variables): number {
  if (operation.operation === 'mutation') return 10 * operation.selectionSet.selections.length;
  const root = schema.getQueryType();
  return root ? setCost(operation.selectionSet, root, null, context(schema, fragments, variables, false)) : 0;
}

export function actualCost(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: FragmentDefinitionNode[], variables: Variables, data: Data): number {
  if (operation.operation === 'mutation') return 10 * operation.selectionSet.selections.length;
  const root = schema.getQueryType();
  return root ? setCost(operation.selectionSet, root, data, context(schema, fragments, variables, true)) : 0;
}
