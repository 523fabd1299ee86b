import type { mongo } from 'mongoose';

/**
 * Creates the indexes a collection lacks. Asking for an index that already exists is a
 * no-op on MongoDB but crashes FerretDB v1.24's connection ("slice bounds out of range"),
 * so existing names are read first and skipped.
 */
export async function ensureIndexes(
  collection: mongo.Collection<never>,
  specs: mongo.IndexDescription[],
): Promise<void> {
  const existing = new Set(
    (
      await collection
        .listIndexes()
        .toArray()
        .catch(() => [] as { name: string }[])
    ).map((index) => index.name),
  );
  const missing = specs.filter((spec) => !existing.has(spec.name!));
  if (missing.length > 0) await collection.createIndexes(missing);
}
