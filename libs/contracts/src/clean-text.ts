import { Transform } from 'class-transformer';
import { registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * Characters people do not type and screens do not show, which a name or a note can carry
 * to mislead (bidi overrides reorder what staff read, zero-width characters make two names
 * look alike or a blank one look filled, escape codes drive a terminal that prints a log):
 * controls (Cc), formats (Cf: bidi controls, zero-width joiners and spaces, BOM, soft
 * hyphen), surrogates (Cs), private use (Co) and the line and paragraph separators. Emoji
 * sequences joined with U+200D are refused with them: the stores' staff enter names and
 * notes, not chat. Unassigned code points (Cn) are not refused: that set changes with each
 * Unicode version Node ships.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}]/u;
/** The same, but tab, line feed and carriage return are ordinary in multi-line text. */
const HIDDEN_IN_MULTILINE = /(?![\t\n\r])[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}]/u;

export interface CleanTextOptions {
  /** Free text that may hold line breaks and tabs (notes); names and labels are one line. */
  multiline?: boolean;
  /** On a list of strings: each is cleaned and checked. */
  each?: boolean;
}

/** NFC (one spelling of each accented or composed character, so equal names compare equal), trimmed. */
export function normalizeText(value: unknown): unknown {
  return typeof value === 'string' ? value.normalize('NFC').trim() : value;
}

/** The first hidden character of `text` as `U+XXXX`, or null when there is none. */
export function hiddenCharacterIn(text: string, multiline = false): string | null {
  const found = (multiline ? HIDDEN_IN_MULTILINE : HIDDEN).exec(text);
  if (!found) return null;
  return `U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * On a name or free-text field of a contract: the value is normalised (NFC) and trimmed as the
 * payload becomes the contract class, so `"  "` reaches `@IsNotEmpty` as `""`; then any control
 * or format character (see HIDDEN) is refused with the field's own reason. Put it beside
 * `@IsString` and the length rule, which then measure the cleaned text.
 */
export function CleanText(options: CleanTextOptions = {}) {
  const each = options.each === true;
  const transform = Transform(
    ({ value }) => (each && Array.isArray(value) ? value.map(normalizeText) : normalizeText(value)),
    { toClassOnly: true },
  );
  return (target: object, propertyName: string) => {
    transform(target, propertyName);
    registerDecorator({
      name: 'cleanText',
      target: target.constructor,
      propertyName,
      options: { each } satisfies ValidationOptions,
      // Read back by the API document, which publishes the rule as a pattern.
      constraints: [{ multiline: options.multiline === true }],
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'string' || hiddenCharacterIn(value, options.multiline) === null,
        defaultMessage: (args) => {
          const value = args?.value;
          const at = typeof value === 'string' ? hiddenCharacterIn(value, options.multiline) : null;
          const allowed = options.multiline ? ' (line breaks and tabs are fine)' : '';
          return `${propertyName} must not contain control or invisible formatting characters${allowed}; found ${at}`;
        },
      },
    });
  };
}
