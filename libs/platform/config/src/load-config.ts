import { z } from 'zod';
import { ConfigError } from './config-error';

type Env = Record<string, string | undefined>;

/**
 * Parses the environment with a zod schema. Empty strings count as missing, so `FOO=` in an env
 * file does not silently satisfy a required variable.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: Env = process.env): z.infer<S> {
  const input = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(root)';
      const missing = input[String(issue.path[0])] === undefined;
      return missing ? `${name} is required` : `${name} is invalid: ${issue.message}`;
    }),
  );
}

/**
 * Runs a service's start-up; a ConfigError ends the process with one line on stderr and exit code 1
 * instead of a stack trace, so an operator sees at once which variable to fix.
 */
export async function runOrExitOnConfigError(start: () => Promise<unknown>): Promise<void> {
  try {
    await start();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
