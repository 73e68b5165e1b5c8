/**
 * The ports are asynchronous (a PostgreSQL driver is), the SQLite repositories synchronous: this
 * turns one into the other without a hand-written adapter per method. A throw becomes a rejection.
 */
export type Promised<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

/** The async face of a synchronous repository: every public method, bound, resolving its result. */
export function promised<T extends object>(impl: T): Promised<T> {
  const out: Record<string, unknown> = {};
  for (
    let o: object | null = impl;
    o && o !== Object.prototype;
    o = Object.getPrototypeOf(o) as object | null
  ) {
    for (const key of Object.getOwnPropertyNames(o)) {
      const fn: unknown = Reflect.get(impl, key);
      if (key === 'constructor' || key in out || typeof fn !== 'function') continue;
      out[key] = async (...args: unknown[]) => Reflect.apply(fn, impl, args) as unknown;
    }
  }
  return out as Promised<T>;
}
