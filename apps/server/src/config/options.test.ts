import { describe, expect, it } from 'vitest';
import { optionsFromEnv } from './env.js';
import { DEMO_ADMIN_KEY, redactUrl, resolveOptions } from './options.js';

describe('optionsFromEnv', () => {
  it('maps the documented variables', () => {
    expect(
      optionsFromEnv({
        PORT: '9000',
        REDIS_URL: 'redis://r:6379',
        DATABASE_URL: 'postgres://db/x',
        LIVESHOP_ADMIN_KEY: 'admin-key-123',
        LIVESHOP_SESSION_SECRET: 'a-secret-of-sixteen+',
        LIVESHOP_IP_RATE_LIMIT: '0',
        LIVESHOP_ALLOWED_ORIGINS: 'https://a.example, https://b.example',
        LIVESHOP_DEMO: 'off',
      }),
    ).toEqual({
      port: 9000,
      redisUrl: 'redis://r:6379',
      databaseUrl: 'postgres://db/x',
      adminKey: 'admin-key-123',
      sessionSecret: 'a-secret-of-sixteen+',
      ipRateLimitPerSecond: 0,
      allowedOrigins: ['https://a.example', 'https://b.example'],
      demo: false,
    });
  });

  it('leaves the demo off unless asked and names a bad variable', () => {
    expect(optionsFromEnv({}).demo).toBeUndefined();
    expect(resolveOptions(optionsFromEnv({})).demo).toBe(false);
    expect(optionsFromEnv({ LIVESHOP_DEMO: '1' }).demo).toBe(true);
    expect(() => optionsFromEnv({ PORT: 'eighty' })).toThrow(/PORT must be a whole number/);
    expect(() => optionsFromEnv({ LIVESHOP_DEMO: 'maybe' })).toThrow(/LIVESHOP_DEMO/);
  });
});

describe('resolveOptions', () => {
  it('fills defaults and the demo admin key', () => {
    const options = resolveOptions({ demo: true });
    expect(options).toMatchObject({ port: 8080, redisUrl: 'redis://127.0.0.1:6379', keyPrefix: 'ls', workers: true });
    expect(options.adminKey).toBe(DEMO_ADMIN_KEY);
    expect(resolveOptions({}).adminKey).toBeUndefined();
  });

  it('names every bad option', () => {
    expect(() => resolveOptions({ port: -1, redisUrl: 'http://x', databaseUrl: 'mysql://x' })).toThrow(
      /port.*redisUrl.*databaseUrl/s,
    );
  });

  it('takes a Redis Cluster URL and refuses several processes without PostgreSQL', () => {
    expect(resolveOptions({ redisUrl: 'redis+cluster://10.0.0.1:7000,10.0.0.2:7000' }).redisUrl).toMatch(
      /^redis\+cluster/,
    );
    expect(() => resolveOptions({ processes: 2 })).toThrow(/2 processes need PostgreSQL/);
    expect(() => resolveOptions({ processes: 2, databaseUrl: 'memory://' })).toThrow(/belongs to one process/);
    expect(resolveOptions({ processes: 2, databaseUrl: 'postgres://db/x' }).processes).toBe(2);
  });

  it('redacts passwords in URLs', () => {
    expect(redactUrl('redis://user:secret@host:6379')).toBe('redis://user:***@host:6379');
    expect(redactUrl('redis://:secret@host')).toBe('redis://:***@host');
  });
});
