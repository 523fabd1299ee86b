import { MAX_IMPORT_PART_BYTES } from '@crm/contracts';

/** Room left in a NATS message for the request envelope (pattern, id, job id) and headers. */
const ENVELOPE_BYTES = 4 * 1024;
export const IMPORT_PART_DATA_BYTES = MAX_IMPORT_PART_BYTES - ENVELOPE_BYTES;

/**
 * Cuts a file into parts that each fit one NATS message: at most `maxBytes` once encoded as a
 * JSON string in UTF-8 (CJK text takes 3 bytes a character, escapes 2–6). Never cuts between
 * the two halves of a surrogate pair, so each part is valid text on its own.
 */
export function splitIntoParts(content: string, maxBytes = IMPORT_PART_DATA_BYTES): string[] {
  if (maxBytes < 16) throw new Error('maxBytes must leave room for at least one character');
  const parts: string[] = [];
  let start = 0;
  while (start < content.length) {
    // A character takes at least one byte, so this many characters is the most that can fit.
    let end = Math.min(content.length, start + maxBytes);
    for (;;) {
      if (end < content.length && isHighSurrogate(content.charCodeAt(end - 1))) end -= 1;
      const bytes = jsonBytes(content.slice(start, end));
      if (bytes <= maxBytes) break;
      end = start + Math.max(1, Math.floor(((end - start) * maxBytes * 0.98) / bytes));
    }
    if (end === start) end = start + 2; // a lone pair at the cut: keep it whole
    parts.push(content.slice(start, end));
    start = end;
  }
  return parts;
}

function jsonBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), 'utf8');
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
