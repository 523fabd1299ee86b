/** MongoDB's duplicate-key error: a unique index (often `_id`) already holds the value. */
export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number } | null)?.code === 11000;
}

/**
 * Runs an insert whose unique key is what makes an effect happen once: true if it went in,
 * false if the key was already taken. Any other failure is thrown.
 */
export async function insertOnce(insert: () => Promise<unknown>): Promise<boolean> {
  try {
    await insert();
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

/**
 * The batch form: runs an unordered insert of many documents and returns the positions whose
 * key was already taken (those documents are left as they were). Any other failure is thrown;
 * the documents that did go in stay, so the caller retries the whole batch safely.
 */
export async function insertManyOnce(insert: () => Promise<unknown>): Promise<Set<number>> {
  try {
    await insert();
    return new Set();
  } catch (error) {
    const writeErrors = bulkWriteErrors(error);
    if (!writeErrors || !writeErrors.every(isDuplicateKey)) throw error;
    return new Set(writeErrors.map((e) => e.index));
  }
}

function bulkWriteErrors(error: unknown): { index: number; code?: number }[] | null {
  const writeErrors = (error as { writeErrors?: unknown } | null)?.writeErrors;
  if (Array.isArray(writeErrors)) return writeErrors as { index: number; code?: number }[];
  // A single failed write surfaces as one object rather than a list.
  if (writeErrors && typeof writeErrors === 'object')
    return [writeErrors as { index: number; code?: number }];
  return null;
}
