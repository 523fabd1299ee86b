import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { CleanText, IsOptionalNonNull } from '@crm/contracts';
import { portablePattern, propertyRules } from './validation-schema';

class Sample {
  @Matches(/^1[3-9]\d{9}$/) phone!: string;
  @IsOptional() @IsInt() @Min(1) @Max(200) limit?: number;
  @IsOptionalNonNull() @IsInt() stock?: number;
  @CleanText() @IsString() @Length(3, 20) reason!: string;
  @Matches(/^[a-z]{2}$/i) code!: string;
}

describe('propertyRules', () => {
  const rules = propertyRules(Sample);

  it('publishes what the validators enforce', () => {
    expect(rules.get('phone')).toEqual({
      schema: { pattern: '^1[3-9][0-9]{9}$' },
      required: true,
      nullable: false,
    });
    expect(rules.get('limit')).toEqual({
      schema: { type: 'integer', minimum: 1, maximum: 200 },
      required: false,
      nullable: true,
    });
    expect(rules.get('stock')).toMatchObject({ required: false, nullable: false });
    expect(rules.get('code')!.schema.pattern).toBe('^[a-zA-Z]{2}$');
  });

  it('gives a cleaned text field a pattern that refuses hidden characters and counts the trimmed text', () => {
    const reason = rules.get('reason')!.schema;
    expect(reason).toMatchObject({ type: 'string', minLength: 3, maxLength: 20 });
    const pattern = new RegExp(reason.pattern!);
    expect(pattern.test('abc')).toBe(true);
    expect(pattern.test('  王芳 说  ')).toBe(true);
    expect(pattern.test('a  ')).toBe(false);
    expect(pattern.test('ab\u0007c')).toBe(false);
    expect(pattern.test('ab\u202ec')).toBe(false);
  });
});

describe('portablePattern', () => {
  it('spells \\d as ASCII digits, in and out of classes', () => {
    expect(portablePattern(/^\d[\d-]+$/)).toBe('^[0-9][0-9-]+$');
  });
});
