import { GraphQLError, type ASTVisitor, type GraphQLSchema, type ValidationContext } from 'graphql';
import { loadPublishedAdminSchema } from './published';

/**
 * The practice shop's schema is Shopify's published Admin schema itself (every type, field,
 * argument and enum as Shopify ships it, never retyped), so it cannot drift from the real API.
 * It serves the root fields below; a document asking for another root field is refused by the
 * validation rule here, and fields of served types the practice shop does not fill in resolve to
 * null (an error where Shopify declares them non-null).
 */

export const SANDBOX_ROOT_FIELDS = {
  query: ['shop', 'locations', 'orders', 'ordersCount', 'order', 'fulfillment', 'nodes', 'productVariants', 'abandonedCheckouts', 'bulkOperation'],
  mutation: ['inventorySetQuantities', 'fulfillmentCreate', 'bulkOperationRunQuery'],
} as const;

export function sandboxAdminSchema(version: string): GraphQLSchema {
  return loadPublishedAdminSchema(version);
}

/** Refuses root fields the practice shop does not serve, naming them. */
export function ServedRootFieldsRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      const served: readonly string[] = node.operation === 'mutation' ? SANDBOX_ROOT_FIELDS.mutation : node.operation === 'query' ? SANDBOX_ROOT_FIELDS.query : [];
      const root = context.getSchema().getRootType(node.operation);
      for (const selection of node.selectionSet.selections) {
        if (selection.kind !== 'Field' || selection.name.value === '__typename' || served.includes(selection.name.value)) continue;
        // A field Shopify does not have at all is reported by graphql's own rule.
        if (!root?.getFields()[selection.name.value]) continue;
        context.reportError(new GraphQLError(`This practice shop does not serve ${node.operation} field '${selection.name.value}' (it serves ${served.join(', ')}).`, { nodes: selection }));
      }
    },
  };
}
