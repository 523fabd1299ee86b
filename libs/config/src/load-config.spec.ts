import { IsInt, IsString } from 'class-validator';
import { ConfigError, configKeys, loadConfig } from './load-config';
import { ServiceConfig } from './fragments';

class SampleConfig {
  @IsString() NAME!: string;
  @IsInt() PORT: number = 3000;
}

describe('loadConfig', () => {
  it('converts and defaults values', () => {
    const config = loadConfig(SampleConfig, { NAME: 'members', PORT: '4000' });
    expect(config).toEqual(Object.assign(new SampleConfig(), { NAME: 'members', PORT: 4000 }));
    expect(loadConfig(SampleConfig, { NAME: 'x' }).PORT).toBe(3000);
  });

  it('lists every bad variable by name', () => {
    try {
      loadConfig(ServiceConfig, { HTTP_PORT: 'abc', KAFKA_BROKERS: 'nohost', LOG_LEVEL: 'loud' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      for (const name of ['HTTP_PORT', 'KAFKA_BROKERS', 'LOG_LEVEL', 'MONGO_DB']) {
        expect(problems).toContain(name);
      }
      expect(problems).toContain('MONGO_DB (not set)');
    }
  });

  it('names the variables a config class reads, inherited ones included', () => {
    expect(configKeys(ServiceConfig)).toEqual(
      expect.arrayContaining(['HTTP_PORT', 'NATS_URL', 'KAFKA_BROKERS', 'MONGO_URL', 'MONGO_DB']),
    );
  });
});
