import { splitIntoParts } from './import-parts';

const jsonBytes = (text: string) => Buffer.byteLength(JSON.stringify(text), 'utf8');

describe('splitIntoParts', () => {
  it('keeps a small file whole', () => {
    expect(splitIntoParts('legacyId,name,phone\n1,王芳,13800138000', 1024)).toEqual([
      'legacyId,name,phone\n1,王芳,13800138000',
    ]);
  });

  it('cuts ASCII, CJK and escaped text into parts that fit once JSON-encoded', () => {
    const content = `${'a,b,c\n'.repeat(3000)}${'王芳,"引号"\n'.repeat(3000)}${'\u0001'.repeat(500)}`;
    const parts = splitIntoParts(content, 4096);
    expect(parts.join('')).toBe(content);
    for (const part of parts) expect(jsonBytes(part)).toBeLessThanOrEqual(4096);
    expect(parts.length).toBeGreaterThan(Math.ceil(jsonBytes(content) / 4096) - 1);
  });

  it('never separates the halves of a surrogate pair', () => {
    const content = '𠀀'.repeat(5000); // each is a pair of UTF-16 code units, 4 bytes in UTF-8
    const parts = splitIntoParts(content, 1001);
    expect(parts.join('')).toBe(content);
    for (const part of parts) {
      expect(part.length % 2).toBe(0);
      expect(jsonBytes(part)).toBeLessThanOrEqual(1001);
    }
  });
});
