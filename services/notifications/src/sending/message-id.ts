import { createHash } from 'node:crypto';

/** The message id of a cause: the same cause always names the same message (once per cause). */
export function messageIdFor(cause: string): string {
  return `msg_${createHash('sha256').update(cause).digest('hex').slice(0, 32)}`;
}

/** `{{name}}` placeholders filled from `variables`; the names without a value when any is missing. */
export function renderContent(
  content: string,
  variables: Record<string, string>,
): { text: string } | { missing: string[] } {
  const missing = new Set<string>();
  const text = content.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_m, name: string) => {
    const value = variables[name];
    if (typeof value !== 'string') missing.add(name);
    return value ?? '';
  });
  return missing.size > 0 ? { missing: [...missing] } : { text };
}
