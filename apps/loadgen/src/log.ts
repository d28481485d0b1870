/** One line to stdout (or nothing with LOADGEN_QUIET): the generator talks to a person. */
export type Logger = (line: string) => void;

export const consoleLogger =
  (quiet: boolean): Logger =>
  (line) => {
    if (!quiet) process.stdout.write(`loadgen: ${line}\n`);
  };
