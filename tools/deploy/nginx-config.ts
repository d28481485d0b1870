/**
 * A small reader of nginx configuration: directives with their arguments and blocks, comments
 * dropped, quotes removed. Enough for the gateway checks to see which directive sits in which block
 * (nginx's own `nginx -t` vouches for the syntax; tools/deploy/gateway.spec.ts runs it).
 */
export interface Directive {
  name: string;
  args: string[];
  block?: Directive[];
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const pattern = /#[^\n]*|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([{};])|([^\s{};"'#][^\s{};]*)/g;
  for (const m of text.matchAll(pattern)) {
    if (m[0].startsWith('#')) continue;
    tokens.push(m[1] ?? m[2] ?? m[3] ?? m[4]!);
  }
  return tokens;
}

export function parseNginx(text: string): Directive[] {
  const tokens = tokenize(text);
  let at = 0;
  const parseBlock = (nested: boolean): Directive[] => {
    const directives: Directive[] = [];
    while (at < tokens.length) {
      const name = tokens[at++]!;
      if (name === '}') {
        if (!nested) throw new Error('nginx config: unexpected }');
        return directives;
      }
      const args: string[] = [];
      while (at < tokens.length && tokens[at] !== ';' && tokens[at] !== '{') args.push(tokens[at++]!);
      const end = tokens[at++];
      if (end === '{') directives.push({ name, args, block: parseBlock(true) });
      else if (end === ';') directives.push({ name, args });
      else throw new Error(`nginx config: ${name} is not terminated`);
    }
    if (nested) throw new Error('nginx config: missing }');
    return directives;
  };
  return parseBlock(false);
}

export const directivesNamed = (block: Directive[] | undefined, name: string): Directive[] =>
  (block ?? []).filter((d) => d.name === name);

export const firstArgs = (block: Directive[] | undefined, name: string): string[] | undefined =>
  directivesNamed(block, name)[0]?.args;

/** An upstream block's servers: host, port and parameters (max_fails=3, resolve, ...). */
export interface UpstreamServer {
  host: string;
  port: number | undefined;
  params: string[];
}

export function upstreamsOf(config: Directive[]): Map<string, UpstreamServer[]> {
  return new Map(
    directivesNamed(config, 'upstream').map((upstream) => [
      upstream.args[0]!,
      directivesNamed(upstream.block, 'server').map((server) => {
        const [address, ...params] = server.args;
        const [host, port] = address!.split(':');
        return { host: host!, port: port === undefined ? undefined : Number(port), params };
      }),
    ]),
  );
}

/** The `location` blocks of every server, with their match (prefix, `=` exact or a regex). */
export interface Location {
  modifier: string | undefined;
  match: string;
  block: Directive[];
}

export const serversOf = (config: Directive[]): Directive[] => directivesNamed(config, 'server');

export function locationsOf(config: Directive[]): Location[] {
  return serversOf(config).flatMap((server) =>
    directivesNamed(server.block, 'location').map((location) =>
      location.args.length > 1
        ? { modifier: location.args[0], match: location.args[1]!, block: location.block ?? [] }
        : { modifier: undefined, match: location.args[0]!, block: location.block ?? [] },
    ),
  );
}
