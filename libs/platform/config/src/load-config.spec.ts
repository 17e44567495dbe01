import { IsString, MinLength } from 'class-validator';
import { BaseServiceEnv, ConfigError, loadConfig } from './index';

class Env extends BaseServiceEnv {
  @IsString()
  @MinLength(32)
  JWT_SECRET!: string;
}

describe('loadConfig', () => {
  it('applies defaults and converts numbers', () => {
    const env = loadConfig(Env, { JWT_SECRET: 'x'.repeat(32), HTTP_PORT: '8080' });
    expect(env.HTTP_PORT).toBe(8080);
    expect(env.NATS_URL).toBe('nats://127.0.0.1:4222');
  });

  it('refuses to start with every problem listed', () => {
    expect(() => loadConfig(Env, { DATABASE_URL: 'mysql://x', JWT_SECRET: 'short' })).toThrow(ConfigError);
    try {
      loadConfig(Env, { DATABASE_URL: 'mysql://x', JWT_SECRET: 'short' });
    } catch (e) {
      const msg = (e as ConfigError).problems.join('\n');
      expect(msg).toContain('DATABASE_URL');
      expect(msg).toContain('JWT_SECRET');
    }
  });
});
