import { isOptOut } from './opt-out';

describe('opt-out replies', () => {
  it.each([
    'TD',
    'td',
    'Td',
    'ＴＤ',
    'ｔｄ',
    '退订',
    'STOP',
    'stop',
    'Ｓｔｏｐ',
    'UNSUBSCRIBE',
    'unsubscribe',
    ' TD ',
    'TD。',
    '【退订】',
    'STOP!',
    '\tｓｔｏｐ\n',
  ])('%j is an opt-out', (reply) => expect(isOptOut(reply)).toBe(true));

  it.each([
    '',
    null,
    undefined,
    'T D',
    'TDX',
    'please stop calling at night',
    '好的，谢谢',
    '不要退订',
    'STOPP',
  ])('%j is not', (reply) => expect(isOptOut(reply)).toBe(false));
});
