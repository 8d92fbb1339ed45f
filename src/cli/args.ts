import { type ParseArgsConfig, parseArgs } from "node:util";
import { type Client, createClient } from "../client.ts";
import { isKodoError } from "../errors.ts";

/** A command line that cannot run as written; its message says why. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

/** What {@link parseCommand} gives for the options `O`. */
export type ParsedCommand<O extends OptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: true }>
>;

/** The options every command takes. */
export const commonOptions = {
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies OptionsConfig;

/** The options that name the account, the bucket and the config service. */
export const credentialOptions = {
  "access-key": { type: "string" },
  "secret-key": { type: "string" },
  bucket: { type: "string" },
  "uc-host": { type: "string" },
} as const satisfies OptionsConfig;

/** The help lines of {@link commonOptions}. */
export const commonHelp = `  --json              print one JSON document on standard output
  -h, --help          show this help`;

/** The help lines of {@link credentialOptions}. */
export const credentialHelp = `Credentials (a flag, else the environment variable):
  --access-key KEY    QINIU_ACCESS_KEY
  --secret-key KEY    QINIU_SECRET_KEY
  --bucket NAME       QINIU_BUCKET
  --uc-host URL       QINIU_UC_HOST, the config service (an emulator's url, say)`;

/**
 * Parses the arguments of a command: options anywhere, positionals in between, `--` to end the
 * options. Unknown options and missing values are usage errors.
 *
 * @param args - The arguments after the command's name.
 * @param options - The options the command accepts.
 * @returns The option values and the positionals.
 * @example
 * const { values, positionals } = parseCommand(args, { ...commonOptions, ...credentialOptions });
 */
export function parseCommand<const O extends OptionsConfig>(
  args: string[],
  options: O,
): ParsedCommand<O> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Checks the number of positionals a command was given.
 *
 * @param positionals - What {@link parseCommand} found.
 * @param min - The fewest allowed.
 * @param max - The most allowed.
 * @param what - How the help names them, such as `"<file> [key]"`.
 * @example
 * expectPositionals(positionals, 1, 2, "<file> [key]");
 */
export function expectPositionals(
  positionals: readonly string[],
  min: number,
  max: number,
  what: string,
): void {
  if (positionals.length < min) throw new UsageError(`expected ${what}`);
  if (positionals.length > max) {
    throw new UsageError(`unexpected argument "${positionals[max]}" (expected ${what})`);
  }
}

/** Where credentials come from: the flags of {@link credentialOptions}. */
export interface CredentialValues {
  "access-key"?: string | undefined;
  "secret-key"?: string | undefined;
  bucket?: string | undefined;
  "uc-host"?: string | undefined;
}

/**
 * Makes the client of a command from its flags, else from `QINIU_ACCESS_KEY`,
 * `QINIU_SECRET_KEY`, `QINIU_BUCKET` and `QINIU_UC_HOST`.
 *
 * @param values - The parsed flags.
 * @param env - The environment to fall back on.
 * @returns The client; throws a {@link UsageError} when a credential is missing or invalid.
 * @example
 * const client = clientFrom(values);
 */
export function clientFrom(values: CredentialValues, env: NodeJS.ProcessEnv = process.env): Client {
  const pick = (flag: keyof CredentialValues, variable: string, required: boolean) => {
    const value = values[flag] ?? (env[variable] === "" ? undefined : env[variable]);
    if (value === undefined && required) {
      throw new UsageError(`no ${flag.replace("-", " ")}: pass --${flag} or set ${variable}`);
    }
    return value;
  };
  const options = {
    accessKey: pick("access-key", "QINIU_ACCESS_KEY", true) ?? "",
    secretKey: pick("secret-key", "QINIU_SECRET_KEY", true) ?? "",
    bucket: pick("bucket", "QINIU_BUCKET", true) ?? "",
    ucHost: pick("uc-host", "QINIU_UC_HOST", false),
  };
  try {
    return createClient(options);
  } catch (error) {
    if (isKodoError(error)) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * Reads a whole number option.
 *
 * @param name - The option's name, for the message.
 * @param value - Its text, or `undefined` when absent.
 * @param min - The least value allowed.
 * @returns The number, or `undefined` when absent; throws a {@link UsageError} otherwise.
 * @example
 * const limit = wholeNumber("limit", values.limit, 1);
 */
export function wholeNumber(
  name: string,
  value: string | undefined,
  min: number,
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < min) {
    throw new UsageError(`--${name} expects a whole number of at least ${min}, not "${value}"`);
  }
  return number;
}
