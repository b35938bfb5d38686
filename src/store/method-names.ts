// The method names of a store object's class chain, for the wrappers that decorate every method
// (metrics, the read cache) without a Proxy, which would slow every property access.
import type { Store } from './store.js';

export function methodNames(store: Store): string[] {
  const names = new Set<string>();
  for (
    let proto = Object.getPrototypeOf(store) as object | null;
    proto !== null && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (name !== 'constructor' && typeof descriptor?.value === 'function') names.add(name);
    }
  }
  return [...names];
}
