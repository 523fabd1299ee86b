/** What stands in for a contact detail taken out of a case's free text. */
export const REDACTED = '[removed]';

/**
 * Contact details a person may have typed into a description or note: e-mail addresses,
 * Chinese resident ID numbers (18 characters), phone numbers (a mobile's 11 digits, or any run
 * of 7+ digits with spaces, dashes or a leading +). Order matters: the ID before the phone.
 */
const CONTACT_PATTERNS: readonly RegExp[] = [
  /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g,
  /(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])/g,
  /(?<![0-9])\+?[0-9](?:[ -]?[0-9]){6,}(?![0-9])/g,
];

/**
 * A case's free text with the contact details taken out, for an erased member: the complaint
 * stays for quality records (what was wrong, with which batch), the person does not.
 * Idempotent: redacting redacted text changes nothing.
 */
export function redactContacts(text: string): string {
  return CONTACT_PATTERNS.reduce((out, pattern) => out.replace(pattern, REDACTED), text);
}
