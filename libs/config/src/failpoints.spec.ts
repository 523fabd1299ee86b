import { ConfigError, loadConfig } from './load-config';
import { BaseConfig } from './fragments';
import { parseFailpoints } from './failpoints';

describe('failpoints', () => {
  it('arms each name for its n-th pass, the first by default', () => {
    expect(parseFailpoints('members.fold.counted@3,outbox.published')).toEqual(
      new Map([
        ['members.fold.counted', 3],
        ['outbox.published', 1],
      ]),
    );
    expect(parseFailpoints(undefined).size).toBe(0);
  });

  it('are refused by the config outside tests, and malformed ones everywhere', () => {
    const env = { HTTP_PORT: '3000', FAILPOINTS: 'outbox.published@2' };
    const nodeEnv = process.env.NODE_ENV;
    try {
      process.env.NODE_ENV = 'test';
      expect(loadConfig(BaseConfig, env).FAILPOINTS).toBe('outbox.published@2');
      expect(() => loadConfig(BaseConfig, { ...env, FAILPOINTS: 'x@0' })).toThrow(ConfigError);
      process.env.NODE_ENV = 'production';
      expect(() => loadConfig(BaseConfig, env)).toThrow(/FAILPOINTS.*only in tests/);
      expect(loadConfig(BaseConfig, { HTTP_PORT: '3000' }).FAILPOINTS).toBeUndefined();
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
  });

  it('a bus namespace is letters, digits and dashes', () => {
    expect(
      loadConfig(BaseConfig, { HTTP_PORT: '1', BUS_NAMESPACE: 'test-1a2b' }).BUS_NAMESPACE,
    ).toBe('test-1a2b');
    expect(() => loadConfig(BaseConfig, { HTTP_PORT: '1', BUS_NAMESPACE: 'a.b' })).toThrow(
      /BUS_NAMESPACE/,
    );
  });
});
