import { readText } from './workspace';

/** The parts of a compose file the drift checks read (the schema check vouches for the rest). */
export interface ComposeService {
  image?: string;
  command?: string[];
  env_file?: string[];
  environment?: Record<string, string | number | boolean | null>;
  expose?: string[];
  healthcheck?: { test?: string[] };
  depends_on?: Record<string, { condition?: string }> | string[];
  profiles?: string[];
  ports?: (string | number | { published?: string | number; target?: number; host_ip?: string })[];
  networks?: Record<string, { ipv4_address?: string } | null> | string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** KEY=value lines; comments and blank lines skipped. */
export function parseEnvFile(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1)] as const;
    });
  return Object.fromEntries(entries);
}

/** What a container sees: its env_files, then `environment` on top (compose's precedence). */
export function containerEnvironment(
  service: ComposeService,
  readEnvFile: (path: string) => string = readText,
): Record<string, string> {
  const fromFiles = (service.env_file ?? []).map((path) => parseEnvFile(readEnvFile(path)));
  const inline = Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([key, value]) => [
      key,
      value === null ? '' : String(value),
    ]),
  );
  return Object.assign({}, ...fromFiles, inline) as Record<string, string>;
}

/** `shopflow/order:0.1.0` -> `order`: the compose services that run a given shopflow service. */
export const shopflowServiceOf = (image: string | undefined): string | undefined =>
  /^shopflow\/([a-z-]+):/.exec(image ?? '')?.[1];

/**
 * The containers that serve a shopflow service: they run its image without a one-shot command
 * (migrate, create-topics). Several of them are replicas behind the gateway.
 */
export const servingContainers = (compose: ComposeFile, service: string): string[] =>
  Object.entries(compose.services)
    .filter(([, c]) => shopflowServiceOf(c.image) === service && !c.command?.length)
    .map(([name]) => name);
