/**
 * Configuration is read once at start-up from the environment, validated, and then injected.
 * A missing or malformed variable stops the process with a message naming it.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Parser<T> = (raw: string | undefined, name: string) => T;

interface VarSpec<T> {
  parse: Parser<T>;
  description: string;
  /** A rule across variables, run once every variable is read: a problem to report, or undefined. */
  across?: (config: Record<string, unknown>) => string | undefined;
}

export type Schema = Record<string, VarSpec<unknown>>;
export type ConfigOf<S extends Schema> = { [K in keyof S]: S[K] extends VarSpec<infer T> ? T : never };

class Invalid extends Error {}

function required(raw: string | undefined, name: string): string {
  if (raw === undefined || raw.trim() === '') throw new Invalid(`${name} is required but not set`);
  return raw.trim();
}

export const env = {
  string(description: string, opts: { default?: string; minLength?: number } = {}): VarSpec<string> {
    return {
      description,
      parse: (raw, name) => {
        const value = raw === undefined || raw.trim() === '' ? opts.default : raw;
        const v = required(value, name);
        if (opts.minLength && v.length < opts.minLength)
          throw new Invalid(`${name} must be at least ${opts.minLength} characters long`);
        return v;
      },
    };
  },
  optionalString(description: string): VarSpec<string | undefined> {
    return { description, parse: (raw) => (raw === undefined || raw === '' ? undefined : raw) };
  },
  url(description: string, protocols: string[], opts: { default?: string } = {}): VarSpec<string> {
    return {
      description,
      parse: (raw, name) => {
        const v = required(raw === undefined || raw.trim() === '' ? opts.default : raw, name);
        let u: URL;
        try {
          u = new URL(v);
        } catch {
          throw new Invalid(`${name} is not a valid URL`);
        }
        if (!protocols.includes(u.protocol.replace(/:$/, '')))
          throw new Invalid(`${name} must use one of: ${protocols.join(', ')}`);
        return v;
      },
    };
  },
  int(description: string, opts: { default?: number; min?: number; max?: number } = {}): VarSpec<number> {
    return {
      description,
      parse: (raw, name) => {
        if ((raw === undefined || raw.trim() === '') && opts.default !== undefined) return opts.default;
        const v = required(raw, name);
        if (!/^-?\d+$/.test(v)) throw new Invalid(`${name} must be a whole number, got "${v}"`);
        const n = Number(v);
        if (opts.min !== undefined && n < opts.min) throw new Invalid(`${name} must be at least ${opts.min}`);
        if (opts.max !== undefined && n > opts.max) throw new Invalid(`${name} must be at most ${opts.max}`);
        return n;
      },
    };
  },
  bool(description: string, opts: { default?: boolean } = {}): VarSpec<boolean> {
    return {
      description,
      parse: (raw, name) => {
        if (raw === undefined || raw === '') return opts.default ?? false;
        if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
        if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
        throw new Invalid(`${name} must be 1/0 or true/false, got "${raw}"`);
      },
    };
  },
  oneOf<T extends string>(description: string, values: readonly T[], opts: { default?: T } = {}): VarSpec<T> {
    return {
      description,
      parse: (raw, name) => {
        const v = raw === undefined || raw === '' ? opts.default : raw;
        if (v === undefined) throw new Invalid(`${name} is required but not set`);
        if (!values.includes(v as T))
          throw new Invalid(`${name} must be one of ${values.join(', ')}, got "${v}"`);
        return v as T;
      },
    };
  },
};

/** Validates every variable of the schema; collects all problems before failing. */
export function loadConfig<S extends Schema>(
  schema: S,
  source: NodeJS.ProcessEnv = process.env,
): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(schema)) {
    try {
      out[name] = spec.parse(source[name], name);
    } catch (e) {
      if (e instanceof Invalid) problems.push(e.message);
      else if (e instanceof ConfigError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (!problems.length)
    for (const spec of Object.values(schema)) {
      const problem = spec.across?.(out);
      if (problem) problems.push(problem);
    }
  if (problems.length) throw new ConfigError(problems);
  return out as ConfigOf<S>;
}

/**
 * Loads the config or stops the process: the message names every bad variable and the exit code is 78 (EX_CONFIG).
 */
export function loadConfigOrExit<S extends Schema>(schema: S, app: string): ConfigOf<S> {
  try {
    return loadConfig(schema);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`[${app}] ${e.message}\n`);
      process.exit(78);
    }
    throw e;
  }
}
