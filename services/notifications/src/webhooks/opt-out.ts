/** Replies that withdraw marketing consent for the channel they came on (CONTRACTS.md §4). */
const OPT_OUT_WORDS = new Set(['TD', '退订', 'STOP', 'UNSUBSCRIBE']);

/**
 * Whether a member's reply is an opt-out: the keyword alone, in any case, full-width or
 * half-width (NFKC folds `ＳＴＯＰ` to `STOP`), with surrounding spaces and punctuation ignored.
 * A sentence that merely contains the word is not an opt-out.
 */
export function isOptOut(reply: string | null | undefined): boolean {
  if (!reply) return false;
  const word = reply
    .normalize('NFKC')
    .replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, '')
    .toUpperCase();
  return OPT_OUT_WORDS.has(word);
}
