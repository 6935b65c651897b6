import { UsageError } from "./errors.js";

/** What a command accepts: flags that take a value, and flags that stand alone. */
export interface FlagSpec {
  values: readonly string[];
  switches?: readonly string[];
  /** How many positional arguments the command takes at most (default none): more is a UsageError. */
  positional?: number;
  /** One-letter forms, as ping and nc spell them: `-c 3` is `--count 3` when `short` maps "c" to "count". */
  short?: Readonly<Record<string, string>>;
}

export interface Parsed {
  flags: Map<string, string>;
  switches: Set<string>;
  positional: string[];
}

/**
 * `--name value`, `--name=value`, `--switch`, their one-letter forms (`-c 3`, `-u`), and positionals, in
 * any order. An unknown flag or a flag
 * missing its value is a UsageError naming it, so a typo never silently becomes a default.
 */
export function parseArgs(command: string, argv: readonly string[], spec: FlagSpec): Parsed {
  const flags = new Map<string, string>();
  const switches = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    const letter = /^-([A-Za-z])$/.exec(arg)?.[1];
    if (letter !== undefined) {
      const long = spec.short?.[letter];
      if (long === undefined) throw new UsageError(command, `unknown option -${letter}`);
      arg = `--${long}`;
    }
    if (!arg.startsWith("--") || arg === "--") {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (spec.switches?.includes(name)) {
      if (eq >= 0) throw new UsageError(command, `--${name} takes no value`);
      switches.add(name);
    } else if (spec.values.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith("--")))
        throw new UsageError(command, `--${name} needs a value`);
      flags.set(name, value);
    } else {
      throw new UsageError(command, `unknown option --${name}`);
    }
  }
  if (positional.length > (spec.positional ?? 0)) {
    throw new UsageError(command, `unexpected argument "${positional[spec.positional ?? 0]}"`);
  }
  return { flags, switches, positional };
}

export function required(command: string, parsed: Parsed, name: string): string {
  const value = parsed.flags.get(name);
  if (value === undefined) throw new UsageError(command, `--${name} is required`);
  return value;
}

/** A numeric flag within bounds (an integer unless `fractional`), or its default. */
export function numberFlag(
  command: string,
  parsed: Parsed,
  name: string,
  fallback: number,
  min: number,
  max: number,
  fractional = false,
): number {
  const text = parsed.flags.get(name);
  if (text === undefined) return fallback;
  const value = (fractional ? /^\d+(\.\d+)?$/ : /^\d+$/).test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new UsageError(
      command,
      `--${name} must be ${fractional ? "a number" : "an integer"} from ${min} to ${max}, got "${text}"`,
    );
  }
  return value;
}

/**
 * A probability flag, in the library's unit: 0..1 (`0.05`), or a percentage said as one (`5%`). A bare
 * number above 1 is refused rather than guessed at, since `--loss 5` could mean either.
 */
export function probabilityFlag(command: string, parsed: Parsed, name: string, fallback: number): number {
  const text = parsed.flags.get(name);
  if (text === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text);
  const value = m === null ? Number.NaN : m[2] === "%" ? Number(m[1]) / 100 : Number(m[1]);
  if (!(value >= 0 && value <= 1)) {
    throw new UsageError(command, `--${name} must be a probability from 0 to 1 or a percentage like 5%, got "${text}"`);
  }
  return value;
}
