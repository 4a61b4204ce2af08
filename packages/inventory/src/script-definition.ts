/** A script file `<camelName>-<numKeys>.lua`, built into a module (`-n`: the caller passes the key count). */
export interface ScriptDefinition {
  /** Versioned command name: `ls<Name>V<8 hex of the script's SHA-1>`. */
  command: string;
  numberOfKeys: number | undefined;
  /** The script's text with its includes inlined. */
  lua: string;
}
