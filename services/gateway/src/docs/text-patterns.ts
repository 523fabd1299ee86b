import { hiddenCharacterIn } from '@crm/contracts';

/**
 * The pattern of a text field checked by @CleanText, from the same rule (hiddenCharacterIn):
 * every code point it refuses, listed as ranges in a negated class. Written with `\uXXXX` and
 * `\UXXXXXXXX` escapes, which Python (schemathesis) and Rust (jsonschema-rs) regular
 * expressions read alike; JavaScript's would need the `u` flag, which JSON Schema cannot say,
 * and `\p{…}` classes are not portable at all.
 */
export function cleanTextPattern(
  options: { multiline?: boolean; nonBlank?: boolean } = {},
): string {
  const key = `${options.multiline ? 'm' : 's'}${options.nonBlank ? 'n' : ''}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const hidden = ranges(
    (cp) => hiddenCharacterIn(String.fromCodePoint(cp), options.multiline) !== null,
  );
  const any = `[^${hidden}]`;
  let pattern = `^${any}*$`;
  if (options.nonBlank) {
    // What String.prototype.trim removes: the text must keep a character that is neither.
    const blank = ranges(
      (cp) =>
        hiddenCharacterIn(String.fromCodePoint(cp), options.multiline) !== null ||
        String.fromCodePoint(cp).trim() === '',
    );
    pattern = `^${any}*[^${blank}]${any}*$`;
  }
  cache.set(key, pattern);
  return pattern;
}

const cache = new Map<string, string>();

function ranges(test: (codePoint: number) => boolean): string {
  let out = '';
  let start = -1;
  for (let cp = 0; cp <= 0x110000; cp++) {
    // Surrogates are left out: they are not characters (a lone one is refused on its own, see
    // payload-shape.ts), and Rust's regular expressions refuse them in a class.
    const inside = cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) && test(cp);
    if (inside && start < 0) start = cp;
    if (!inside && start >= 0) {
      const end = cp - 1;
      out += end === start ? escape(start) : `${escape(start)}-${escape(end)}`;
      start = -1;
    }
  }
  return out;
}

function escape(cp: number): string {
  const hex = cp.toString(16).toUpperCase();
  return cp <= 0xffff ? `\\u${hex.padStart(4, '0')}` : `\\U${hex.padStart(8, '0')}`;
}
