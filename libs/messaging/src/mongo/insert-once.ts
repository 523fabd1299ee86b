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
