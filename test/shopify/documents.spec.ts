// Every GraphQL document the Shopify connector can send, checked against Shopify's published Admin
// schema for the API version the connector pins. Moving the version constant without the schema
// file and the document fixes for that version fails here.
import { parse, specifiedRules, validate, type GraphQLError } from 'graphql';
import { NoDeprecatedCustomRule } from 'graphql/validation';
import { describe, expect, it } from 'vitest';
import { SHOPIFY_API_VERSION } from '../../core/platforms/shopify/connector';
import * as queries from '../../core/platforms/shopify/queries';
import { loadPublishedAdminSchema } from '../../sandbox/shopify/published';

/** The exported strings of queries.ts that are GraphQL operations. */
function documentsOf(module: Record<string, unknown>): [string, string][] {
  return Object.entries(module).filter((e): e is [string, string] => typeof e[1] === 'string' && /^\s*(query|mutation)\b/.test(e[1]));
}

const describeErrors = (errors: readonly GraphQLError[]) => errors.map((e) => `${e.message}${e.locations?.length ? ` (line ${e.locations[0]!.line})` : ''}`);

describe(`Shopify documents against the published Admin schema ${SHOPIFY_API_VERSION}`, () => {
  it('pins a version Shopify still supports (2026-10 is supported until October 2027)', () => {
    expect(SHOPIFY_API_VERSION).toMatch(/^\d{4}-(01|04|07|10)$/);
    expect(SHOPIFY_API_VERSION >= '2026-01').toBe(true);
  });

  const documents = documentsOf(queries);

  it('finds the documents', () => {
    expect(documents.length).toBeGreaterThanOrEqual(10);
  });

  it.each(documents)('%s is valid and uses no deprecated field, argument or enum value', (_name, source) => {
    const schema = loadPublishedAdminSchema(SHOPIFY_API_VERSION);
    const errors = validate(schema, parse(source), [...specifiedRules, NoDeprecatedCustomRule]);
    expect(describeErrors(errors)).toEqual([]);
  });
});
