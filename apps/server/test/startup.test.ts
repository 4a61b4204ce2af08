import { describe, expect, it } from 'vitest';
import { startServer } from '@liveshop/server';

describe('start-up errors', () => {
  it('says where it tried when Redis is unreachable', async () => {
    await expect(startServer({ port: 0, redisUrl: 'redis://127.0.0.1:1', databaseUrl: 'memory://' })).rejects.toThrow(
      'Redis unreachable at redis://127.0.0.1:1',
    );
  });

  it('says where it tried when PostgreSQL is unreachable', async () => {
    await expect(
      startServer({ port: 0, keyPrefix: 'startup-test', databaseUrl: 'postgres://nobody:pw@127.0.0.1:1/none' }),
    ).rejects.toThrow('PostgreSQL unreachable at postgres://nobody:***@127.0.0.1:1/none');
  });

  it('refuses invalid options before connecting anywhere', async () => {
    await expect(startServer({ port: 70_000 })).rejects.toThrow(/invalid server options: port/);
  });
});
