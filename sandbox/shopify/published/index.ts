import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from 'graphql';

/**
 * Shopify's published Admin GraphQL schema, one introspection file per API version, as Shopify
 * ships it in its developer tooling package `@shopify/dev-mcp` (ISC licence, copied beside this
 * file). Add the file of a new version here before moving Backroom's version constant to it.
 */

/** Beside this module when run from source; under the project's sandbox/ folder when bundled into dist/. */
export function publishedSchemaFile(version: string): string {
  const name = `admin_${version}.json.gz`;
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    for (const candidate of [join(dir, name), join(dir, 'sandbox', 'shopify', 'published', name)]) if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return join(import.meta.dirname, name);
  }
}

const built = new Map<string, GraphQLSchema>();

/** The published Admin schema of `version`; a missing file is an error naming the version. */
export function loadPublishedAdminSchema(version: string): GraphQLSchema {
  const cached = built.get(version);
  if (cached) return cached;
  let raw: Buffer;
  try {
    raw = readFileSync(publishedSchemaFile(version));
  } catch {
    throw new Error(`No published Shopify Admin schema for API version ${version} in sandbox/shopify/published (add admin_${version}.json.gz from @shopify/dev-mcp's dist/data).`);
  }
  const introspection = JSON.parse(gunzipSync(raw).toString('utf8')) as { data: IntrospectionQuery };
  // Shopify's schema marks some implementations of Node.id deprecated where the interface field is
  // not, which graphql 17's schema check refuses; the schema is Shopify's as published, so it is
  // taken as valid rather than edited.
  const schema = buildClientSchema(introspection.data, { assumeValid: true });
  built.set(version, schema);
  return schema;
}
