import { messageIdFor, renderContent } from './message-id';

describe('message ids and content', () => {
  it('names one message per cause', () => {
    expect(messageIdFor('welcome:abc')).toBe(messageIdFor('welcome:abc'));
    expect(messageIdFor('welcome:abc')).not.toBe(messageIdFor('welcome:abd'));
    expect(messageIdFor('x')).toMatch(/^msg_[0-9a-f]{32}$/);
  });

  it('fills variables, and names the missing ones', () => {
    expect(
      renderContent('您好{{ name }}，{{drug}}已备好', { name: '王芳', drug: '阿仑膦酸钠' }),
    ).toEqual({
      text: '您好王芳，阿仑膦酸钠已备好',
    });
    expect(renderContent('{{a}}{{b}}{{a}}', { b: '1' })).toEqual({ missing: ['a'] });
  });
});
