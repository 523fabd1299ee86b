/**
 * A Map that forgets its oldest entries beyond `capacity` (insertion order; a `set` of an
 * existing key refreshes it): a memory for hot keys that cannot grow without bound.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly capacity: number) {
    super();
  }

  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    while (this.size > this.capacity) super.delete(this.keys().next().value as K);
    return this;
  }
}
