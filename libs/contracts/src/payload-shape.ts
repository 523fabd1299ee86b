import type { FieldError } from './errors';

/**
 * The deepest a payload may nest. The contracts nest five levels at most (a command around a
 * change around a health profile around a list of conditions); anything far deeper is an
 * attack on the recursive transform and validator, which overflow the stack near 10,000.
 */
export const MAX_PAYLOAD_DEPTH = 32;

const NUL = '\u0000';
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What no contract can take, checked on the raw JSON before any class sees it, so every
 * route, NATS handler and consumer refuses it the same way (a 400, never a 500):
 * - nesting deeper than MAX_PAYLOAD_DEPTH;
 * - NUL in a string or key: the PostgreSQL store behind the local MongoDB-wire server cannot
 *   hold it, and C-based tools downstream cut strings at it;
 * - ill-formed UTF-16 (a lone surrogate): it cannot be encoded as UTF-8, so the stores and
 *   Kafka would silently replace it.
 * At most one error per field, and the walk stops at the first 20 fields it reports.
 */
export function payloadShapeErrors(plain: unknown): FieldError[] {
  const errors: FieldError[] = [];
  // Iterative, so the walk itself cannot overflow the stack whatever the depth.
  const stack: { value: unknown; path: string; depth: number }[] = [
    { value: plain, path: '', depth: 0 },
  ];
  while (stack.length > 0 && errors.length < 20) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const reason = textReason(value);
      if (reason) errors.push({ field: path || '(root)', reasons: [reason] });
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_PAYLOAD_DEPTH) {
      errors.push({
        field: path || '(root)',
        reasons: [`must not nest deeper than ${MAX_PAYLOAD_DEPTH} levels`],
      });
      continue;
    }
    const entries = Array.isArray(value)
      ? value.map((item, index) => [String(index), item] as const)
      : Object.entries(value);
    for (const [key, child] of entries) {
      const childPath = path ? `${path}.${key}` : key;
      const keyReason = Array.isArray(value) ? null : textReason(key);
      if (keyReason) {
        errors.push({ field: safeLabel(childPath), reasons: [`the field name ${keyReason}`] });
        continue;
      }
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return errors;
}

function textReason(text: string): string | null {
  if (text.includes(NUL)) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode (it holds a lone surrogate)';
  return null;
}

/** A field path that itself holds the refused characters, made printable for the error body. */
function safeLabel(path: string): string {
  return path.replaceAll(NUL, '\\u0000').replace(/[\uD800-\uDFFF]/g, '\\uFFFD');
}
