#!/usr/bin/env node
/**
 * The `qiniu-kit` command: `qiniu-kit <command> [args]`. Each command lives in its own module,
 * loaded only when it runs.
 */

import { exitCodeHelp } from "./output.ts";

/** A command: a one-line summary for the help, and what runs it (resolving to the exit code). */
interface Command {
  summary: string;
  run: (args: string[]) => Promise<number>;
}

const commands: Record<string, Command> = {
  put: {
    summary: "upload a file (or standard input), with progress",
    run: async (args) => (await import("./put.ts")).runPut(args),
  },
  stat: {
    summary: "show an object's size, hash, MIME type and more",
    run: async (args) => (await import("./stat.ts")).runStat(args),
  },
  ls: {
    summary: "list keys, all or those under a prefix",
    run: async (args) => (await import("./ls.ts")).runLs(args),
  },
  rm: {
    summary: "delete objects",
    run: async (args) => (await import("./rm.ts")).runRm(args),
  },
  url: {
    summary: "print a download URL, public or signed",
    run: async (args) => (await import("./url.ts")).runUrl(args),
  },
  etag: {
    summary: "compute the etag (hash) of a local file",
    run: async (args) => (await import("./etag.ts")).runEtag(args),
  },
  emulator: {
    summary: "start a local Kodo emulator",
    run: async (args) => (await import("./emulator.ts")).runEmulator(args),
  },
  demo: {
    summary: "walk through every classic operation against an embedded emulator",
    run: async (args) => (await import("./demoCommand.ts")).runDemoCommand(args),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(
    ([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`,
  );
  return [
    "Usage: qiniu-kit <command> [args]",
    "",
    "Commands:",
    ...lines,
    "",
    "Credentials: --access-key, --secret-key, --bucket (and --uc-host for an emulator), or the",
    "environment variables QINIU_ACCESS_KEY, QINIU_SECRET_KEY, QINIU_BUCKET and QINIU_UC_HOST.",
    "",
    exitCodeHelp,
    "",
    "Run `qiniu-kit <command> --help` for the options of a command.",
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (command === undefined) {
    console.error(`qiniu-kit: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  return command.run(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`qiniu-kit: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
