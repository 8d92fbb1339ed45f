import { get } from "../objects/get.ts";
import {
  clientFrom,
  commonHelp,
  commonOptions,
  credentialHelp,
  credentialOptions,
  expectPositionals,
  parseCommand,
  UsageError,
  wholeNumber,
} from "./args.ts";
import { exitCodeHelp, exitCodes, printJson, reportFailure, runCommand } from "./output.ts";

const help = `Usage: qiniu-kit url <key> [options]

Prints a download URL of an object, once the object is known to exist: a plain URL for a public
bucket, a signed one that expires for a private bucket. Exits with 3 when there is no such
object.

Options:
  --private           sign the URL even if the bucket is public
  --public            do not sign the URL even if the bucket is private
  --expires SECONDS   how long a signed URL stays valid (3600 by default)
  --domain DOMAIN     the download domain (the bucket's first domain by default)
  --save-as NAME      the file name a browser saves the download as
${commonHelp}

${credentialHelp}

${exitCodeHelp}

Examples:
  qiniu-kit url photos/cat.jpg
  curl -o cat.jpg "$(qiniu-kit url photos/cat.jpg --expires 60)"
  qiniu-kit url report.pdf --private --save-as "Q3 report.pdf" --json`;

/**
 * Runs `qiniu-kit url <key>`: prints a public or a signed download URL of an existing object.
 *
 * @param args - The arguments after `url`.
 * @returns The exit code; 3 when there is no such object.
 * @example
 * process.exitCode = await runUrl(["report.pdf", "--expires", "600"]);
 */
export function runUrl(args: string[]): Promise<number> {
  return runCommand("url", help, async () => {
    const { values, positionals } = parseCommand(args, {
      ...commonOptions,
      ...credentialOptions,
      private: { type: "boolean" },
      public: { type: "boolean" },
      expires: { type: "string" },
      domain: { type: "string" },
      "save-as": { type: "string" },
    });
    if (values.help) return "help";
    expectPositionals(positionals, 1, 1, "<key>");
    if (values.private && values.public) {
      throw new UsageError("--private and --public cannot be given together");
    }
    const key = positionals[0] ?? "";
    const expiresIn = wholeNumber("expires", values.expires, 1);
    const json = values.json === true;
    const client = clientFrom(values);

    const signed = values.private ? true : values.public ? false : undefined;
    const result = await get(client, key, {
      private: signed,
      expiresIn,
      domain: values.domain,
      saveAs: values["save-as"],
    });
    if (!result.ok) return reportFailure("url", result.error, json, key);
    const { url, expires } = result.data;
    if (json) {
      printJson({
        bucket: client.bucket,
        key,
        url,
        signed: expires !== undefined,
        expires: expires ?? null,
      });
    } else {
      console.log(url);
    }
    return exitCodes.ok;
  });
}
