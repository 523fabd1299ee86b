import { hiddenCharacterIn } from '@crm/contracts';

/**
 * The pattern of a text field checked by @CleanText, from the same rule (hiddenCharacterIn):
 * every code point it refuses, listed as ranges in a negated class of `\uXXXX` escapes, which
 * ECMA-262, Python (schemathesis) and Rust (jsonschema-rs) regular expressions read alike.
 * `\p{…}` classes are not portable, and characters beyond U+FFFF have no escape all three
 * read: the few such characters the rule refuses (private use planes 15–16, tag and a few
 * format characters) are left out of the pattern, which is therefore a little more lenient
 * than the gateway there.
 */
export function cleanTextPattern(
  options: { multiline?: boolean; minLength?: number } = {},
): string {
  const { multiline = false, minLength = 0 } = options;
  const key = `${multiline}:${minLength}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const hidden = (cp: number) => hiddenCharacterIn(String.fromCodePoint(cp), multiline) !== null;
  // What String.prototype.trim removes, which the length rules do not count.
  const blank = (cp: number) => String.fromCodePoint(cp).trim() === '';
  const any = `[^${ranges(hidden)}]`;
  const visible = `[^${ranges((cp) => hidden(cp) || blank(cp))}]`;
  const space = `[${ranges((cp) => !hidden(cp) && blank(cp))}]`;
  let pattern = `^${any}*$`;
  // The text is trimmed before it is measured: it needs minLength characters between its
  // first and its last visible one.
  if (minLength === 1) pattern = `^${any}*${visible}${any}*$`;
  if (minLength > 1) pattern = `^${space}*${visible}${any}{${minLength - 2},}${visible}${space}*$`;
  cache.set(key, pattern);
  return pattern;
}

const cache = new Map<string, string>();

function ranges(test: (codePoint: number) => boolean): string {
  let out = '';
  let start = -1;
  for (let cp = 0; cp <= 0x10000; cp++) {
    // Surrogates are left out: they are not characters (a lone one is refused on its own, see
    // payload-shape.ts), and Rust's regular expressions refuse them in a class.
    const inside = cp <= 0xffff && !(cp >= 0xd800 && cp <= 0xdfff) && test(cp);
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
  return `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}
