/**
 * Just enough of GraphQL to serve the operations Backroom sends: a reader for one operation with
 * fields, arguments, variables and nested selections. No fragments, aliases or directives (the
 * connector sends none; a document using them is answered with an error). It also computes the
 * requested cost with Shopify's published rules, so throttling here behaves like the real thing.
 */

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value } | { $var: string };

export interface Field {
  name: string;
  args: Record<string, Value>;
  selections: Field[] | null;
}

export interface Operation {
  kind: 'query' | 'mutation';
  name?: string;
  variableNames: string[];
  selections: Field[];
}

export class DocumentError extends Error {}

type Token = { kind: 'name' | 'punct' | 'string' | 'number' | 'spread'; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/[\s,]/.test(ch)) { i++; continue; }
    if (ch === '#') { while (i < source.length && source[i] !== '\n') i++; continue; }
    if (source.startsWith('...', i)) { tokens.push({ kind: 'spread', text: '...' }); i += 3; continue; }
    if ('{}():!$=[]@'.includes(ch)) { tokens.push({ kind: 'punct', text: ch }); i++; continue; }
    if (ch === '"') {
      let j = i + 1;
      let text = '';
      while (j < source.length && source[j] !== '"') {
        if (source[j] === '\\') { text += JSON.parse(`"${source.slice(j, j + 2)}"`) as string; j += 2; continue; }
        text += source[j];
        j++;
      }
      if (j >= source.length) throw new DocumentError('Unterminated string');
      tokens.push({ kind: 'string', text });
      i = j + 1;
      continue;
    }
    const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(i));
    if (number) { tokens.push({ kind: 'number', text: number[0] }); i += number[0].length; continue; }
    const name = /^[_A-Za-z][_0-9A-Za-z]*/.exec(source.slice(i));
    if (name) { tokens.push({ kind: 'name', text: name[0] }); i += name[0].length; continue; }
    throw new DocumentError(`Unexpected character "${ch}"`);
  }
  return tokens;
}

export function parseOperation(source: string): Operation {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    const t = tokens[pos++];
    if (!t) throw new DocumentError('Unexpected end of document');
    return t;
  };
  const expect = (text: string) => {
    const t = next();
    if (t.text !== text) throw new DocumentError(`Expected "${text}", found "${t.text}"`);
  };

  function value(): Value {
    const t = next();
    if (t.kind === 'punct' && t.text === '$') return { $var: next().text };
    if (t.kind === 'string') return t.text;
    if (t.kind === 'number') return Number(t.text);
    if (t.kind === 'name') return t.text === 'true' ? true : t.text === 'false' ? false : t.text === 'null' ? null : t.text;
    if (t.text === '[') {
      const list: Value[] = [];
      while (peek()?.text !== ']') list.push(value());
      expect(']');
      return list;
    }
    if (t.text === '{') {
      const object: Record<string, Value> = {};
      while (peek()?.text !== '}') {
        const key = next().text;
        expect(':');
        object[key] = value();
      }
      expect('}');
      return object;
    }
    throw new DocumentError(`Unexpected "${t.text}"`);
  }

  function selectionSet(): Field[] {
    expect('{');
    const fields: Field[] = [];
    while (peek()?.text !== '}') {
      const t = next();
      if (t.kind === 'spread') throw new DocumentError('Fragments are not supported by this practice shop');
      if (t.kind !== 'name') throw new DocumentError(`Expected a field name, found "${t.text}"`);
      if (peek()?.text === ':') throw new DocumentError('Aliases are not supported by this practice shop');
      if (peek()?.text === '@') throw new DocumentError('Directives are not supported by this practice shop');
      const args: Record<string, Value> = {};
      if (peek()?.text === '(') {
        next();
        while (peek()?.text !== ')') {
          const key = next().text;
          expect(':');
          args[key] = value();
        }
        expect(')');
      }
      fields.push({ name: t.text, args, selections: peek()?.text === '{' ? selectionSet() : null });
    }
    expect('}');
    return fields;
  }

  let kind: Operation['kind'] = 'query';
  let name: string | undefined;
  const variableNames: string[] = [];
  if (peek()?.kind === 'name') {
    const word = next().text;
    if (word !== 'query' && word !== 'mutation') throw new DocumentError(`Unsupported operation type "${word}"`);
    kind = word;
    if (peek()?.kind === 'name') name = next().text;
    if (peek()?.text === '(') {
      next();
      // Variable definitions: `$name: Type!` or `$name: [Type!]! = default`; only the names matter here.
      let depth = 1;
      while (depth > 0) {
        const t = next();
        if (t.text === '(') depth++;
        if (t.text === ')') depth--;
        if (t.text === '$') variableNames.push(next().text);
      }
    }
  }
  const selections = selectionSet();
  if (pos !== tokens.length) throw new DocumentError('A document must hold exactly one operation');
  return { kind, ...(name ? { name } : {}), variableNames, selections };
}

/** Replaces `$name` references with the request's variables. */
export function resolveArgs(args: Record<string, Value>, variables: Record<string, unknown>): Record<string, unknown> {
  const resolve = (v: Value): unknown => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && '$var' in v) return variables[String(v.$var)] ?? null;
    if (Array.isArray(v)) return v.map(resolve);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x as Value)]));
    return v;
  };
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, resolve(v)]));
}

/**
 * Requested cost by Shopify's rules: scalars and enums 0, objects 1, connections (fields taking
 * `first`) 2 plus `first` times the cost of one node, mutations 10 regardless of what they return.
 */
export function requestedCost(operation: Operation, variables: Record<string, unknown>): number {
  if (operation.kind === 'mutation') return 10 * operation.selections.length;
  const fieldCost = (field: Field): number => {
    if (!field.selections) return 0;
    const args = resolveArgs(field.args, variables);
    const first = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : undefined;
    if (first === undefined) return 1 + field.selections.reduce((sum, f) => sum + fieldCost(f), 0);
    const sum = (fields: Field[]) => fields.reduce((s, f) => s + fieldCost(f), 0);
    const isConnection = field.selections.some((c) => c.name === 'nodes' || c.name === 'edges');
    // Plain lists taking `first` (Order.fulfillments, trackingInfo) select the item's fields directly.
    if (!isConnection) return 2 + first * (1 + sum(field.selections));
    // One node of a connection: what `nodes { … }` or `edges { node { … } }` selects; pageInfo is free.
    let node = 0;
    for (const child of field.selections) {
      if (child.name === 'nodes' && child.selections) node += 1 + sum(child.selections);
      if (child.name === 'edges' && child.selections) for (const e of child.selections) if (e.name === 'node' && e.selections) node += 1 + sum(e.selections);
    }
    return 2 + first * node;
  };
  return operation.selections.reduce((sum, f) => sum + fieldCost(f), 0);
}
