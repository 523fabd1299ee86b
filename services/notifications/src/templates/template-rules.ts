import type { FieldError, NotificationLanguage, NotificationTemplateRequest } from '@crm/contracts';
import { NOTIFICATION_LANGUAGES } from '@crm/contracts';

/** `{{ name }}` as the renderer fills it (see sending/message-id.ts renderContent). */
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
/** Anything between double braces; what PLACEHOLDER does not take is a typo the member would see. */
const BRACED = /\{\{([^{}]*)\}\}/g;

/** The variable names a body uses, each once, in order of first use. */
export function placeholdersOf(body: string): string[] {
  return [...new Set([...body.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/**
 * Field reasons for a template whose bodies use variables it does not declare, or braces that
 * are no placeholder (`{{first name}}` would reach the member as it stands). A declared variable
 * that one language leaves out is fine: languages phrase things differently.
 */
export function templateProblems(template: NotificationTemplateRequest): FieldError[] {
  const declared = new Set(template.variables);
  const problems: FieldError[] = [];
  for (const language of NOTIFICATION_LANGUAGES) {
    const body = template.bodies[language];
    const reasons: string[] = [];
    const undeclared = placeholdersOf(body).filter((name) => !declared.has(name));
    if (undeclared.length > 0) reasons.push(`uses undeclared variables: ${undeclared.join(', ')}`);
    const malformed = [...body.matchAll(BRACED)]
      .map((m) => m[0])
      .filter((braced) => !/^\{\{\s*[A-Za-z0-9_]+\s*\}\}$/.test(braced));
    if (malformed.length > 0)
      reasons.push(`has placeholders that are no variable name: ${malformed.join(', ')}`);
    if (reasons.length > 0) problems.push({ field: `bodies.${language}`, reasons });
  }
  return problems;
}

/** A send's `templateId`: `<key>` means the newest version, `<key>:v<n>` that version. */
export function parseTemplateRef(ref: string): { key: string; version: number | null } {
  const pinned = /^(.+):v([1-9]\d{0,5})$/.exec(ref);
  return pinned ? { key: pinned[1]!, version: Number(pinned[2]) } : { key: ref, version: null };
}

/** The body in the member's language (every template has both). */
export function bodyFor(
  bodies: Record<NotificationLanguage, string>,
  language: NotificationLanguage,
): string {
  return bodies[language] ?? bodies['zh-CN'];
}
