// The one API every front end uses (CLI, TUI, desktop window, browser page): the methods of every
// namespace in one map, each checking its parameters with a schema. Front ends import its types only.
import type { MethodMap } from './define';
import * as namespaces from './namespaces';

/** All parts of a union at once: `A | B` becomes `A & B`. */
type Joined<U> = (U extends unknown ? (part: U) => void : never) extends (whole: infer I) => void ? I : never;
type ContractOf<P extends Record<string, { contract: MethodMap }>> = Joined<P[keyof P]['contract']>;

/** Joins the namespaces' methods into one map. A method name declared by two namespaces is a mistake: refused at start. */
export function joinContracts<P extends Record<string, { contract: MethodMap }>>(parts: P): ContractOf<P> {
  const joined: MethodMap = {};
  const owner = new Map<string, string>();
  for (const [part, { contract }] of Object.entries(parts)) {
    for (const [name, def] of Object.entries(contract)) {
      const first = owner.get(name);
      if (first) throw new Error(`API method "${name}" is declared by both the ${first} and the ${part} namespace.`);
      owner.set(name, part);
      joined[name] = def;
    }
  }
  // The same entries as the parts' own maps, so the joined type holds; no check reads it differently.
  return joined as ContractOf<P>;
}

export const contract = joinContracts(namespaces);

export type Contract = typeof contract;
export type MethodName = keyof Contract;
