import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Cluster, Redis } from 'ioredis';
import createDebug from 'debug';

const log = createDebug('liveshop:inventory');
const luaDir = new URL('./lua/', import.meta.url);
const includePattern = /^--@include "([A-Za-z0-9_-]+)"\s*$/gm;

/**
 * Inlines `--@include "name"` lines with `lua/includes/name.lua`, recursively. Each include is
 * inlined once per script, at its first mention, so includes may include what they depend on.
 */
function preprocessLua(source: string, seen = new Set<string>()): string {
  return source.replace(includePattern, (_line, name: string) => {
    if (seen.has(name)) return '';
    seen.add(name);
    return preprocessLua(readFileSync(new URL(`includes/${name}.lua`, luaDir), 'utf8'), seen);
  });
}

/** A script file `<camelName>-<numKeys>.lua` (`-n`: the caller passes the key count). */
export interface ScriptDefinition {
  /** Versioned command name: `ls<Name>V<8 hex of the script's SHA-1>`. */
  command: string;
  numberOfKeys: number | undefined;
  lua: string;
}

function loadScript(file: string): ScriptDefinition {
  const match = /^([a-zA-Z]+)-(\d+|n)\.lua$/.exec(file);
  if (!match) throw new Error(`inventory script file name ${file} is not <name>-<numKeys>.lua`);
  const [, name = '', keys = 'n'] = match;
  const lua = preprocessLua(readFileSync(new URL(file, luaDir), 'utf8'));
  // The name carries the script text's hash: two deployed versions sharing a client (or a
  // Redis) never run each other's scripts under one name.
  const version = createHash('sha1').update(lua).digest('hex').slice(0, 8);
  return {
    command: `ls${name[0]?.toUpperCase()}${name.slice(1)}V${version}`,
    numberOfKeys: keys === 'n' ? undefined : Number(keys),
    lua,
  };
}

/** The inventory's scripts, read and preprocessed once per process. */
export const scripts = {
  allocate: loadScript('allocate-5.lua'),
  reserve: loadScript('reserve-8.lua'),
  release: loadScript('release-8.lua'),
  commit: loadScript('commit-n.lua'),
  expireDue: loadScript('expireDue-7.lua'),
  configure: loadScript('configure-1.lua'),
  restore: loadScript('restore-n.lua'),
} as const;

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
