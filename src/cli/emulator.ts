import { parseArgs } from "node:util";
import { startEmulator } from "../emulator/server.ts";

const help = `Usage: qiniu-kit emulator [options]

Starts a local Kodo emulator: one port for the up, rs, rsf, io, uc and api services.

Options:
  --port N            port to listen on (9400 by default; 0 picks a free one)
  --host H            interface to listen on (127.0.0.1 by default)
  --data-dir D        keep buckets and objects in this directory (memory by default)
  --access-key K      access key (random by default)
  --secret-key S      secret key (random by default)
  --bucket NAME       create a bucket (repeatable); NAME:private makes it private
  -q, --quiet         do not log requests
  -h, --help          show this help

Point an SDK at it with its uc host set to the printed url.`;

/**
 * Runs `qiniu-kit emulator`: starts the emulator, prints its url and keys, logs one line per
 * request, and stops cleanly on Ctrl-C (SIGINT) or SIGTERM.
 *
 * @param args - The arguments after `emulator`.
 * @returns The exit code, once the emulator has stopped.
 * @example
 * await runEmulator(["--port", "9400", "--bucket", "photos"]);
 */
export async function runEmulator(args: string[]): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(args).values;
  } catch (error) {
    console.error(
      `qiniu-kit emulator: ${error instanceof Error ? error.message : error}\n\n${help}`,
    );
    return 2;
  }
  if (values.help) {
    console.log(help);
    return 0;
  }
  const port = Number(values.port ?? 9400);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`qiniu-kit emulator: --port must be a number from 0 to 65535`);
    return 2;
  }
  const buckets = (values.bucket ?? []).map((spec) => {
    const [name = "", flag] = spec.split(":");
    return { name, private: flag === "private" };
  });

  // Start, or explain why not.
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator({
      port,
      host: values.host,
      dataDir: values["data-dir"],
      accessKey: values["access-key"],
      secretKey: values["secret-key"],
      buckets,
      logRequests: values.quiet ? undefined : (line) => console.log(line),
    });
  } catch (error) {
    console.error(`qiniu-kit emulator: ${error instanceof Error ? error.message : error}`);
    return 1;
  }

  const names = buckets.map((b) => (b.private ? `${b.name} (private)` : b.name));
  console.log(
    [
      `Kodo emulator listening on ${emulator.url}`,
      `  hosts       ${emulator.hosts.join(", ")}`,
      `  access key  ${emulator.accessKey}`,
      `  secret key  ${emulator.secretKey}`,
      `  buckets     ${names.length > 0 ? names.join(", ") : "(none given)"}`,
      `  data        ${values["data-dir"] ?? "in memory"}`,
      "Press Ctrl-C to stop.",
    ].join("\n"),
  );

  // Wait for a signal, then stop.
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  console.log(`\nReceived ${signal}, stopping…`);
  await emulator.stop();
  console.log("Stopped.");
  return 0;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "data-dir": { type: "string" },
      "access-key": { type: "string" },
      "secret-key": { type: "string" },
      bucket: { type: "string", multiple: true },
      quiet: { type: "boolean", short: "q" },
      help: { type: "boolean", short: "h" },
    },
  });
}
