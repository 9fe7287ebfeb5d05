/** A job's JSON data (or output) is whatever was stored: each field stays unknown until checked. */
export function fieldOf(data: unknown, name: string): unknown {
  if (typeof data !== 'object' || data === null || !Object.prototype.hasOwnProperty.call(data, name)) return undefined;
  const value: unknown = Reflect.get(data, name);
  return value;
}
