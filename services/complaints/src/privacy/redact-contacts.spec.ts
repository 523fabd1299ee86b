import { REDACTED, redactContacts } from './redact-contacts';

describe('redactContacts', () => {
  it('takes out phone numbers, e-mail addresses and ID numbers, and keeps the rest', () => {
    const text =
      'Call me on 13812345678 or +86 21-5555-0101, mail li.na@example.cn; ID 11010519491231002X. Batch B-2026-07 smelled odd.';
    expect(redactContacts(text)).toBe(
      `Call me on ${REDACTED} or ${REDACTED}, mail ${REDACTED}; ID ${REDACTED}. Batch B-2026-07 smelled odd.`,
    );
  });

  it('keeps short numbers (doses, batches, times) and is idempotent', () => {
    const text = 'Took 2 tablets of 500 mg at 08:30, batch 240611, waited 20 minutes';
    expect(redactContacts(text)).toBe(text);
    const once = redactContacts('phone 139 1234 5678');
    expect(once).toBe(`phone ${REDACTED}`);
    expect(redactContacts(once)).toBe(once);
  });
});
