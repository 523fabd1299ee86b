import type { NotificationTemplateRequest } from '@crm/contracts';
import { bodyFor, parseTemplateRef, placeholdersOf, templateProblems } from './template-rules';

const template = (zh: string, en: string, variables: string[]): NotificationTemplateRequest => ({
  key: 'points-expiring',
  channel: 'sms',
  purpose: 'service',
  bodies: { 'zh-CN': zh, en },
  variables,
});

describe('templates as data', () => {
  it('accepts bodies that use only declared variables (each language may leave one out)', () => {
    expect(
      templateProblems(
        template('您好{{ name }}，{{points}}积分', 'Hi, {{points}} points', ['name', 'points']),
      ),
    ).toEqual([]);
  });

  it('names each body that uses an undeclared variable, and the variables', () => {
    expect(
      templateProblems(template('您好{{name}}{{drug}}', 'Hi {{nmae}} {{name}}', ['name'])),
    ).toEqual([
      { field: 'bodies.zh-CN', reasons: ['uses undeclared variables: drug'] },
      { field: 'bodies.en', reasons: ['uses undeclared variables: nmae'] },
    ]);
  });

  it('refuses braces that are no variable name (they would reach the member as typed)', () => {
    expect(templateProblems(template('您好{{first name}}', 'Hi {{}}', ['name']))).toEqual([
      {
        field: 'bodies.zh-CN',
        reasons: ['has placeholders that are no variable name: {{first name}}'],
      },
      { field: 'bodies.en', reasons: ['has placeholders that are no variable name: {{}}'] },
    ]);
  });

  it('lists placeholders once, reads template references, picks the language', () => {
    expect(placeholdersOf('{{a}}{{ b }}{{a}}')).toEqual(['a', 'b']);
    expect(parseTemplateRef('points-expiring')).toEqual({ key: 'points-expiring', version: null });
    expect(parseTemplateRef('points-expiring:v3')).toEqual({ key: 'points-expiring', version: 3 });
    expect(bodyFor({ 'zh-CN': '中文', en: 'English' }, 'en')).toBe('English');
    expect(bodyFor({ 'zh-CN': '中文', en: 'English' }, 'zh-CN')).toBe('中文');
  });
});
