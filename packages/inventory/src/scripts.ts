import type { Cluster, Redis } from 'ioredis';
import createDebug from 'debug';
import * as commands from './commands/index.js';
import type { ScriptDefinition } from './script-definition.js';

export type { ScriptDefinition } from './script-definition.js';

const log = createDebug('liveshop:inventory');

/** The inventory's scripts, built from `lua/` into modules (`scripts/lua-to-modules.mjs`). */
export const scripts = {
  allocate: commands.allocate,
  reserve: commands.reserve,
  release: commands.release,
  commit: commands.commit,
  expireDue: commands.expireDue,
  configure: commands.configure,
  restore: commands.restore,
  extend: commands.extend,
  restock: commands.restock,
  allocateAt: commands.allocateAt,
  posApply: commands.posApply,
} as const satisfies Record<string, ScriptDefinition>;

export type ScriptName = keyof typeof scripts;
type ScriptCall = (...args: (string | number)[]) => Promise<unknown[]>;
export type ScriptRunner = Record<ScriptName, ScriptCall>;

/**
 * Registers the scripts on the client with `defineCommand` (ioredis sends EVALSHA and falls back
 * to EVAL on NOSCRIPT, e.g. after SCRIPT FLUSH or a Redis restart) and returns them bound to it.
 */
export function defineScripts(redis: Redis | Cluster): ScriptRunner {
  const client = redis as unknown as Record<string, ScriptCall | undefined>;
  const runner = {} as ScriptRunner;
  for (const [name, script] of Object.entries(scripts) as [ScriptName, ScriptDefinition][]) {
    if (typeof client[script.command] !== 'function') {
      redis.defineCommand(
        script.command,
        script.numberOfKeys === undefined
          ? { lua: script.lua }
          : { lua: script.lua, numberOfKeys: script.numberOfKeys },
      );
      log('defined %s', script.command);
    }
    const call = client[script.command] as ScriptCall;
    runner[name] = call.bind(redis);
  }
  return runner;
}
